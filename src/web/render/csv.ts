/**
 * One CSV cell, safe to open in a spreadsheet: a value that starts like a formula (= + - @, tab,
 * carriage return) is prefixed with a quote so it is shown as text, never evaluated; then the
 * cell is quoted per RFC 4180.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
