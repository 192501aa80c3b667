/**
 * Bad input (a dataset row, a config field, a video) is reported with where it came from: the file, the record index
 * and the field, so a user can fix the data without a debugger.
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly where: { file?: string; record?: number | string; field?: string } = {},
  ) {
    super(DataError.format(message, where));
  }

  static format(message: string, where: { file?: string; record?: number | string; field?: string }): string {
    const parts: string[] = [];
    if (where.file) parts.push(where.file);
    if (where.record !== undefined) parts.push(`record ${where.record}`);
    if (where.field) parts.push(`field "${where.field}"`);
    return parts.length ? `${parts.join(', ')}: ${message}` : message;
  }
}
