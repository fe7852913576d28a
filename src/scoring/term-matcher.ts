// Lexicon matching on the normalised stream: the automaton finds candidate keys, then each is
// checked for word boundaries (so "con" is not found in "concours" nor "cunt" in "Scunthorpe"),
// inflectional suffixes, and the repeat counts of letters (so "as" ≠ "ass", "Niger" ≠ the slur).
import { AhoCorasick } from './matcher.ts';
import { FLAG_HANDLE, FLAG_HASHTAG, type Normalized } from './normalize.ts';
import type { Variant } from './lexicon.ts';
import type { Lang } from './types.ts';

export interface Hit {
  variant: Variant;
  /** Stream indices, end exclusive. */
  s: number;
  e: number;
}

// Plurals and common inflections, allowed after keys of 4+ characters that are not marked exact.
const SUFFIXES: Record<Lang, ReadonlySet<string>> = {
  fr: new Set(['s', 'x', 'e', 'es']),
  en: new Set(['s', 'es', 'ed', 'er', 'ers', 'ing', 'in', 'z']),
};

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 42 || code === 95;
}

export class TermMatcher {
  private readonly ac: AhoCorasick;
  private readonly groups: Variant[][];
  private readonly keyLen: Int32Array;

  constructor(
    variants: readonly Variant[],
    private readonly skipHandles = true,
  ) {
    const byKey = new Map<string, Variant[]>();
    for (const v of variants) {
      const g = byKey.get(v.key);
      if (g) g.push(v);
      else byKey.set(v.key, [v]);
    }
    const keys = [...byKey.keys()];
    this.groups = keys.map((k) => byKey.get(k) as Variant[]);
    this.keyLen = Int32Array.from(keys.map((k) => k.length));
    this.ac = new AhoCorasick(keys);
  }

  get keyCount(): number {
    return this.groups.length;
  }

  get stateCount(): number {
    return this.ac.states;
  }

  /** False when no key can occur in the raw text (see quick-scan.ts). */
  mayMatch(text: string): boolean {
    return this.ac.mayMatch(text);
  }

  find(n: Normalized, out: Hit[]): void {
    const text = n.text;
    const len = text.length;
    this.ac.scan(text, n.alt, (id, e) => {
      const s = e - (this.keyLen[id] as number);
      const flag = n.flags[s] as number;
      if (this.skipHandles && flag & FLAG_HANDLE) return;
      const leftOk = s === 0 || !isWordChar(text.charCodeAt(s - 1));
      const rightOk = e === len || !isWordChar(text.charCodeAt(e));
      let wordEnd = e;
      if (!rightOk) while (wordEnd < len && isWordChar(text.charCodeAt(wordEnd))) wordEnd++;
      for (const v of this.groups[id] as Variant[]) {
        if (!this.runsOk(n, s, v)) continue;
        let ok = leftOk && rightOk;
        if (!ok && leftOk && !v.entry.exact && v.key.length >= 4) {
          ok = SUFFIXES[v.entry.lang].has(text.slice(e, wordEnd));
        }
        // Glued hashtags (#salepute): long, unambiguous terms may match inside them.
        if (!ok && flag & FLAG_HASHTAG && v.key.length >= 5 && !v.entry.needsTarget) ok = true;
        if (!ok) continue;
        if (out.some((h) => h.s === s && h.e === e && h.variant.entry === v.entry)) continue;
        out.push({ variant: v, s, e });
      }
    });
  }

  private runsOk(n: Normalized, s: number, v: Variant): boolean {
    const key = v.key;
    for (let k = 0; k < key.length; k++) {
      const need = v.runs[k] as number;
      if (need > 1 && n.text.charCodeAt(s + k) === key.charCodeAt(k) && (n.run[s + k] as number) < need) return false;
    }
    return true;
  }
}
