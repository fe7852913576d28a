// CSV for spreadsheets: every cell quoted, and cells a spreadsheet would read as a formula
// (OWASP "CSV injection": = + - @ tab CR, and their full-width look-alikes) are prefixed with an
// apostrophe so they stay text. Post text and author names are attacker-written.

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvRow(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
