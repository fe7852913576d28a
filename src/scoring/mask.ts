// Masking for e-mail digests: the reader sees that something was said, not the word itself.
import type { Match } from './types.ts';

/** "connard" -> "c*****d": first and last character of each matched span kept, the rest starred. */
export function maskMatches(text: string, matches: readonly Match[]): string {
  if (matches.length === 0) return text;
  const spans = matches
    .map((m) => [Math.max(0, m.start), Math.min(text.length, m.end)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  // Merge overlapping spans so each character is decided once.
  const merged: [number, number][] = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last && sp[0] <= last[1]) last[1] = Math.max(last[1], sp[1]);
    else merged.push([sp[0], sp[1]]);
  }
  let out = '';
  let pos = 0;
  for (const [s, e] of merged) {
    out += text.slice(pos, s);
    const chars = Array.from(text.slice(s, e)); // code points: never split a surrogate pair
    const visible = chars.map((c) => !/\s/u.test(c));
    const first = visible.indexOf(true);
    const last = visible.lastIndexOf(true);
    out += chars
      .map((c, i) => (!visible[i] || i === first || (i === last && last > first + 1) ? c : '*'))
      .join('');
    pos = e;
  }
  return out + text.slice(pos);
}
