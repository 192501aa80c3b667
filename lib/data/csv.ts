/**
 * A small RFC 4180 CSV parser. Charades_v1_*.csv has quoted fields that contain commas, semicolons and doubled
 * quotes, and CRLF line ends, so splitting on ',' is wrong. Quoted fields may also span lines.
 */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Parses CSV text into rows of fields. A trailing line break does not make an empty last row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldWasQuoted = false;
  let line = 1;
  let quoteOpenedAt = 0;
  const endField = () => {
    row.push(field);
    field = '';
    fieldWasQuoted = false;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== '' || fieldWasQuoted) throw new CsvSyntaxError('quote inside an unquoted field', line);
      inQuotes = true;
      fieldWasQuoted = true;
      quoteOpenedAt = line;
    } else if (ch === ',') {
      endField();
    } else if (ch === '\r' && text[i + 1] === '\n') {
      // CRLF: the '\n' ends the row on the next iteration.
    } else if (ch === '\n') {
      endRow();
      line++;
    } else {
      if (fieldWasQuoted) throw new CsvSyntaxError('text after a closing quote', line);
      field += ch;
    }
  }
  if (inQuotes) throw new CsvSyntaxError('unterminated quoted field', quoteOpenedAt);
  if (field !== '' || fieldWasQuoted || row.length > 0) endRow();
  return rows;
}

/** Parses CSV with a header row into objects keyed by column name; a row with the wrong field count is an error. */
export function parseCsvWithHeader(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...body] = parseCsv(text);
  if (!header) return { header: [], rows: [] };
  const rows = body.map((fields, k) => {
    if (fields.length !== header.length) {
      throw new CsvSyntaxError(`expected ${header.length} fields, got ${fields.length}`, k + 2);
    }
    return Object.fromEntries(header.map((name, j) => [name, fields[j]!]));
  });
  return { header, rows };
}
