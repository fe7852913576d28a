// One JSON Lines record for a terminal or a pipe. JSON.stringify escapes C0 controls (ESC
// included) but passes C1 controls (U+0080–U+009F: CSI U+009B moves a terminal's cursor like
// ESC [), bidi overrides and isolates (a line that reads backwards) and the Unicode line
// separators raw: they are written as \u escapes too, which any JSON reader turns back into the
// same characters.

const UNSAFE = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
