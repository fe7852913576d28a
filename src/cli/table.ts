/** Renders rows as a fixed-width text table; cells are flattened to one line and cut to `maxWidth`. */
export function renderTable(headers: string[], rows: string[][], maxWidth = 60): string {
  const clean = (s: string) => {
    // Control characters from attacker-written text must not move the terminal's cursor.
    const one = s.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ');
    return one.length > maxWidth ? `${one.slice(0, maxWidth - 1)}…` : one;
  };
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
