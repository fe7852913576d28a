// Lexicon matching on the normalised stream: the automaton finds candidate keys, then each is
// checked for word boundaries (so "con" is not found in "concours" nor "cunt" in "Scunthorpe"),
// inflectional suffixes, and the repeat counts of letters (so "as" ≠ "ass", "Niger" ≠ the slur).
import { AhoCorasick } from './matcher.ts';
import { FLAG_HANDLE, FLAG_GLUED, type Stream } from './normalize.ts';
import type { BaseLexicon, LexiconEntry, PrebuiltAutomaton, Variant } from './lexicon-types.ts';
import type { AcTables } from './ac-tables.ts';
import { MAX_SUFFIX, SUFFIXES } from './suffixes.ts';

export interface Hit {
  variant: Variant;
  /** Stream indices, end exclusive. */
  s: number;
  e: number;
}

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 42 || code === 95;
}

export class TermMatcher {
  private readonly ac: AhoCorasick;
  /** The variants of key id k: grouped[groupStart[k] .. groupStart[k + 1]), in lexicon order. */
  private readonly grouped: Variant[];
  private readonly groupStart: Int32Array;
  private readonly keyLen: Int32Array;

  constructor(
    variants: readonly Variant[],
    private readonly skipHandles = true,
    /** The automaton over these variants' keys, built earlier (see prebuilt.ts). */
    prebuilt: PrebuiltAutomaton | null = null,
  ) {
    const { keys, keyOf } = prebuilt ?? keyIds(variants);
    // A counting sort by key id (stable): one array for all groups rather than one per key.
    const groupStart = new Int32Array(keys.length + 1);
    for (let i = 0; i < variants.length; i++) {
      const k = (keyOf[i] as number) + 1;
      groupStart[k] = (groupStart[k] as number) + 1;
    }
    for (let k = 0; k < keys.length; k++)
      groupStart[k + 1] = (groupStart[k + 1] as number) + (groupStart[k] as number);
    const fill = groupStart.slice(0, keys.length);
    const grouped = new Array<Variant>(variants.length);
    for (let i = 0; i < variants.length; i++) {
      const k = keyOf[i] as number;
      grouped[fill[k] as number] = variants[i] as Variant;
      fill[k] = (fill[k] as number) + 1;
    }
    this.grouped = grouped;
    this.groupStart = groupStart;
    this.keyLen = Int32Array.from(keys, (k) => k.length);
    this.ac = new AhoCorasick(prebuilt?.tables ?? keys);
  }

  /** The automaton's tables (written into the prebuilt file by tools/build-automaton.ts). */
  get tables(): AcTables {
    return this.ac.tables;
  }

  get keyCount(): number {
    return this.keyLen.length;
  }

  get stateCount(): number {
    return this.ac.states;
  }

  /** False when no key can occur in the raw text (see quick-scan.ts). */
  mayMatch(text: string): boolean {
    return this.ac.mayMatch(text);
  }

  /** Appends to `out` the lexicon hits in the stream, in the automaton's order, without duplicates. */
  find(n: Stream, out: Hit[]): void {
    const codes = n.codes;
    const len = n.length;
    const alt = n.hasAlt ? n.alt : null;
    let count = this.ac.scanCodes(codes, len, alt);
    if (n.hasGlued) count = this.insideGlued(n, alt, count);
    if (count === 0) return;
    const found = this.ac.hits;
    for (let k = 0; k < count; k++) {
      const id = found[2 * k] as number;
      const e = found[2 * k + 1] as number;
      const s = e - (this.keyLen[id] as number);
      const flag = n.flags[s] as number;
      if (this.skipHandles && flag & FLAG_HANDLE) continue;
      const leftOk = s === 0 || !isWordChar(codes[s - 1] as number);
      const rightOk = e === len || !isWordChar(codes[e] as number);
      let wordEnd = e;
      if (!rightOk) while (wordEnd < len && isWordChar(codes[wordEnd] as number)) wordEnd++;
      const gEnd = this.groupStart[id + 1] as number;
      for (let g = this.groupStart[id] as number; g < gEnd; g++) {
        const v = this.grouped[g] as Variant;
        if (!runsOk(n, s, v)) continue;
        let ok = leftOk && rightOk;
        // A suffix makes another word when the key's last letter is doubled before it ("boulette"
        // is not "boulet" + "e") or when masking stars are read as the key ("f***ing" is not
        // "faggo" + "ng"): a masked word matches whole.
        if (!ok && leftOk && !v.entry.exact && v.key.length >= 4 && !suffixChangesWord(n, s, e, alt)) {
          ok = SUFFIXES[v.entry.lang].has(codesText(codes, e, wordEnd));
        }
        // Glued words (#salepute, "s t f u w h o r e"): long, unambiguous terms may match inside them.
        if (!ok && flag & FLAG_GLUED && v.key.length >= GLUED_MIN_KEY && !v.entry.needsTarget) ok = true;
        if (!ok) continue;
        if (hasHit(out, s, e, v.entry)) continue;
        out.push({ variant: v, s, e });
      }
    }
  }

  /** Adds the keys glued inside words (#salepute): only long ones count there (see find). */
  private insideGlued(n: Stream, alt: Uint8Array | null, found: number): number {
    const codes = n.codes;
    const flags = n.flags;
    let count = found;
    for (let i = 0; i < n.length;) {
      if (!((flags[i] as number) & FLAG_GLUED) || !isWordChar(codes[i] as number)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n.length && isWordChar(codes[j] as number)) j++;
      count = this.ac.insideWord(codes, i, j, alt, GLUED_MIN_KEY);
      i = j;
    }
    return count;
  }
}

/** The distinct keys of the variants in order of first appearance, and each variant's key id. */
export function keyIds(variants: readonly Variant[]): { keys: string[]; keyOf: Int32Array } {
  const ids = new Map<string, number>();
  const keyOf = new Int32Array(variants.length);
  variants.forEach((v, i) => {
    let id = ids.get(v.key);
    if (id === undefined) {
      id = ids.size;
      ids.set(v.key, id);
    }
    keyOf[i] = id;
  });
  return { keys: [...ids.keys()], keyOf };
}

/** The matcher of the base lexicon: over its prebuilt automaton when it has one. */
export function baseTermMatcher(lexicon: BaseLexicon): TermMatcher {
  return new TermMatcher(lexicon.variants, true, lexicon.automaton);
}

/** Shorter keys glued inside a word are too often innocent ("#concours" holds "con"). */
const GLUED_MIN_KEY = 5;

/** The key's repeated letters are repeated in the text too ("ass" is not "as"). */
function runsOk(n: Stream, s: number, v: Variant): boolean {
  const repeats = v.repeats;
  if (repeats === null) return true;
  const key = v.key;
  for (let r = 0; r < repeats.length; r += 2) {
    const k = repeats[r] as number;
    const at = s + k;
    if (n.codes[at] === key.charCodeAt(k) && (n.run[at] as number) < (repeats[r + 1] as number)) return false;
  }
  return true;
}

function suffixChangesWord(n: Stream, s: number, e: number, alt: Uint8Array | null): boolean {
  if ((n.run[e - 1] as number) > 1) return true;
  if (alt !== null) for (let k = s; k < e; k++) if (alt[k] === 42) return true;
  return false;
}

function hasHit(hits: readonly Hit[], s: number, e: number, entry: LexiconEntry): boolean {
  for (const h of hits) if (h.s === s && h.e === e && h.variant.entry === entry) return true;
  return false;
}

/** codes[from..to) as a string; anything longer than the longest suffix cannot be one. */
function codesText(codes: Uint16Array, from: number, to: number): string {
  if (to - from > MAX_SUFFIX) return '';
  let t = '';
  for (let i = from; i < to; i++) t += String.fromCharCode(codes[i] as number);
  return t;
}
