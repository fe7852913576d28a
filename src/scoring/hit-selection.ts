// Which of overlapping lexicon hits counts: the longest, then the most severe.
import type { Hit } from './term-matcher.ts';

/** Longer first, then more severe; ties keep their order (Array.prototype.sort is stable). */
// On the same span, an entry that counts on its own wins over one that needs a target: the same
// word listed both ways must not vanish when nobody is addressed. (A longer span that needs a
// target still shields what it contains: "bitchin'" is not "bitch".)
function byLengthThenSeverity(a: Hit, b: Hit): number {
  return (
    b.e - b.s - (a.e - a.s) ||
    Number(a.variant.entry.needsTarget) - Number(b.variant.entry.needsTarget) ||
    b.variant.entry.severity - a.variant.entry.severity
  );
}
function byStart(a: Hit, b: Hit): number {
  return a.s - b.s;
}

/** Keep the longest hit where one lies inside another ("fils de pute" over "pute"). */
export function dropContained(hits: Hit[]): Hit[] {
  if (hits.length < 2) return hits;
  const sorted = [...hits].sort(byLengthThenSeverity);
  const kept: Hit[] = [];
  for (const h of sorted) {
    let inside = false;
    for (const k of kept) {
      if (k.s <= h.s && h.e <= k.e) {
        inside = true;
        break;
      }
    }
    if (!inside) kept.push(h);
  }
  return kept.sort(byStart);
}
