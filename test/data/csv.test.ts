import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, parseCsvWithHeader } from '../../lib/data/csv.js';

describe('parseCsv', () => {
  it('splits plain fields and rows, LF and CRLF, without a phantom last row', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b\r\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps commas, semicolons, CRLF and doubled quotes inside quoted fields', () => {
    const text = 'id,script,length\r\nX1,"He said ""hi"", then left; fine.",16.62\r\nX2,"two\r\nlines",3\r\n';
    expect(parseCsv(text)).toEqual([
      ['id', 'script', 'length'],
      ['X1', 'He said "hi", then left; fine.', '16.62'],
      ['X2', 'two\r\nlines', '3'],
    ]);
  });

  it('keeps empty fields, including a quoted empty field and a trailing empty field', () => {
    expect(parseCsv('a,"",c,\n')).toEqual([['a', '', 'c', '']]);
  });

  it('rejects an unterminated quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsv('a,b\n1,"oops\n2,3\n')).toThrow(new CsvSyntaxError('unterminated quoted field', 2));
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/line 2: text after a closing quote/);
    expect(() => parseCsv('a\nx"y"\n')).toThrow(/line 2: quote inside an unquoted field/);
  });

  it('maps rows to the header and rejects a wrong field count', () => {
    expect(parseCsvWithHeader('id,length\nA,1.5\n').rows).toEqual([{ id: 'A', length: '1.5' }]);
    expect(() => parseCsvWithHeader('id,length\nA,1.5,extra\n')).toThrow(/line 2: expected 2 fields, got 3/);
  });
});
