// Expected strings are what CPython 3 prints (repr(x), json.dumps(value, indent=2)), computed once and written here.
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJson } from '../../lib/util/python-json.js';

describe('pythonFloatRepr = Python repr(float)', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [100, '100.0'],
    [0.1, '0.1'],
    [-1.25, '-1.25'],
    [1234.5, '1234.5'],
    [0.30000000000000004, '0.30000000000000004'],
    [2.7499999999999996, '2.7499999999999996'],
    [61.111111111111114, '61.111111111111114'],
    [1e-4, '0.0001'],
    [9.999e-5, '9.999e-05'],
    [1.5e-5, '1.5e-05'],
    [1e-7, '1e-07'],
    [2.5e-10, '2.5e-10'],
    [5e-324, '5e-324'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1e21, '1e+21'],
    [123456789012345678, '1.2345678901234568e+17'],
    [12345678901234567890, '1.2345678901234567e+19'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('%s → %s', (x, text) => {
    expect(pythonFloatRepr(x)).toBe(text);
  });
});

describe('pythonJson = json.dumps(indent=2)', () => {
  const value = { a: [1, 2.5, 0], b: {}, c: [], d: { count: 3, mean: 3, s: 'x—é😀\u007f\n"' }, e: null, f: true };

  it('ints only under intKeys, floats elsewhere; ensure_ascii escapes as Python does; no final newline', () => {
    expect(pythonJson(value, { intKeys: new Set(['count']), asciiOnly: true })).toBe(
      [
        '{',
        '  "a": [',
        '    1.0,',
        '    2.5,',
        '    0.0',
        '  ],',
        '  "b": {},',
        '  "c": [],',
        '  "d": {',
        '    "count": 3,',
        '    "mean": 3.0,',
        '    "s": "x\\u2014\\u00e9\\ud83d\\ude00\\u007f\\n\\""',
        '  },',
        '  "e": null,',
        '  "f": true',
        '}',
      ].join('\n'),
    );
  });

  it('ensure_ascii=False keeps the characters; plainKeys blocks are written as JSON.stringify would', () => {
    expect(pythonJson(['é'])).toBe('[\n  "é"\n]');
    expect(pythonJson({ x: 1, ours: { n: 2, v: 0.5 } }, { plainKeys: ['ours'] })).toBe('{\n  "x": 1.0,\n  "ours": {\n    "n": 2,\n    "v": 0.5\n  }\n}');
    // a non-integral value under an int key is still a float (a count is never fractional; no silent truncation)
    expect(pythonJson({ count: 1.5 }, { intKeys: new Set(['count']) })).toBe('{\n  "count": 1.5\n}');
  });
});
