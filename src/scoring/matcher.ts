// Aho-Corasick automaton over the normalised stream: every lexicon key found in one pass.
// Built once per process for the base lexicons and once per watch for its few extra terms.
//
// Keys are anchored at word starts: each is stored behind a word boundary (a space), and the scan
// is in the boundary state at the start of the text and after every separator. A key inside a word
// ("con" in "concours") is never reported, so the scan does not stop at every short key that ends
// inside ordinary words, and a character that continues a word with no key in it leaves the
// automaton in its root, whose row is one cache line. Keys glued inside hashtags (#salepute) are
// found by walking the trie from each inner position of the hashtag (insideWord()).

/** Stream characters that may appear inside a key; anything else resets the automaton. */
const CHAR_INDEX = new Int8Array(128).fill(-1);
for (let c = 97; c <= 122; c++) CHAR_INDEX[c] = c - 97;
for (let c = 48; c <= 57; c++) CHAR_INDEX[c] = 26 + c - 48;
CHAR_INDEX[42] = 36; // '*'
CHAR_INDEX[32] = 37; // ' ' between the words of a phrase

/** The automaton's word boundary, stored before every key. */
const SPACE = 37;
/** Stream character of a letter no key contains: it continues a word, so no key starts after it. */
const OTHER_LETTER = 95;

/** A masking star stands for any letter (or a literal star, for lexicon entries written masked). */
const ANY_LETTER = Int32Array.from([42, ...Array.from({ length: 26 }, (_, i) => 97 + i)]);
/** Paths followed at once through ambiguous characters. */
const MAX_PATHS = 8;

export function isKeyChar(code: number): boolean {
  return code < 128 && (CHAR_INDEX[code] as number) >= 0;
}

import { needsFullScan } from './quick-scan.ts';
import { ALPHA, deepStep, trieChild, type AcTables } from './ac-tables.ts';

/** States up to this depth (the boundary and two letters) keep a dense transition row (see ac-tables.ts). */
const DENSE_DEPTH = 5;

export class AhoCorasick {
  readonly tables: AcTables;
  readonly states: number;

  /** Built over `keys`, or over tables built earlier (the prebuilt file: prebuilt.ts). */
  constructor(keys: readonly string[] | AcTables) {
    if (!Array.isArray(keys)) {
      const t = keys as AcTables;
      this.tables = t;
      this.states = t.fail.length;
      this.boundary = t.boundary;
      return;
    }
    // The trie's edges live in a Map keyed by state × ALPHA + char while building: a dense
    // transition table over every state would take hundreds of megabytes for a full lexicon.
    const edges = new Map<number, number>();
    let capacity = 2;
    for (const k of keys) capacity += k.length;
    const out = new Int32Array(capacity).fill(-1);
    const depth = new Int32Array(capacity);
    const childOf = new Int32Array(capacity);
    const charOf = new Uint8Array(capacity);
    // The boundary state: the trie node of the leading space every key is stored behind.
    edges.set(SPACE, 1);
    depth[1] = 1;
    charOf[1] = SPACE;
    let count = 2;
    (keys as readonly string[]).forEach((key, keyId) => {
      let st = 1;
      for (let i = 0; i < key.length; i++) {
        const c = CHAR_INDEX[key.charCodeAt(i)] ?? -1;
        if (c < 0) throw new Error(`invalid character in key ${JSON.stringify(key)}`);
        let next = edges.get(st * ALPHA + c);
        if (next === undefined) {
          next = count++;
          edges.set(st * ALPHA + c, next);
          depth[next] = i + 2;
          childOf[next] = st;
          charOf[next] = c;
        }
        st = next;
      }
      if ((out[st] as number) < 0) out[st] = keyId;
    });
    const fail = new Int32Array(count);
    const dict = new Int32Array(count);
    const queue = new Int32Array(count);
    /** The complete transition (following failure links), for states whose fail is already known. */
    const gotoFull = (state: number, c: number): number => {
      for (let st = state; ; st = fail[st] as number) {
        const next = edges.get(st * ALPHA + c);
        if (next !== undefined) return next;
        if (st === 0) return 0;
      }
    };
    // Children of each state, to walk the trie breadth-first.
    const firstChild = new Int32Array(count).fill(-1);
    const sibling = new Int32Array(count).fill(-1);
    for (let st = count - 1; st >= 1; st--) {
      const p = childOf[st] as number;
      sibling[st] = firstChild[p] as number;
      firstChild[p] = st;
    }
    let head = 0;
    let tail = 0;
    for (let st = firstChild[0] as number; st >= 0; st = sibling[st] as number) {
      fail[st] = 0;
      queue[tail++] = st;
    }
    while (head < tail) {
      const r = queue[head++] as number;
      const f = fail[r] as number;
      dict[r] = (out[f] as number) >= 0 ? f : (dict[f] as number);
      for (let st = firstChild[r] as number; st >= 0; st = sibling[st] as number) {
        fail[st] = gotoFull(f, charOf[st] as number);
        queue[tail++] = st;
      }
    }
    // Renumber states breadth-first: the shallow states that most characters visit then sit
    // together at the start of the tables.
    const order = new Int32Array(count);
    order.set(queue.subarray(0, tail), 1);
    const id = new Int32Array(count);
    for (let i = 0; i < count; i++) id[order[i] as number] = i;
    let nDense = 1;
    while (nDense < count && (depth[order[nDense] as number] as number) <= DENSE_DEPTH) nDense++;
    const dense = new Int32Array(nDense * ALPHA);
    for (let i = 0; i < nDense; i++) {
      const old = order[i] as number;
      for (let c = 0; c < ALPHA; c++) dense[i * ALPHA + c] = id[gotoFull(old, c)] as number;
    }
    const out2 = new Int32Array(count);
    const dict2 = new Int32Array(count);
    const depth2 = new Int32Array(count);
    const fail2 = new Int32Array(count);
    // Children: new ids are breadth-first, so children of state i come in increasing parent order.
    const cStart = new Int32Array(count + 1);
    const cChar = new Uint8Array(Math.max(1, count - 1));
    for (let i = 1; i < count; i++) {
      const p = (id[childOf[order[i] as number] as number] as number) + 1;
      cStart[p] = (cStart[p] as number) + 1;
    }
    for (let i = 0; i < count; i++) cStart[i + 1] = (cStart[i + 1] as number) + (cStart[i] as number);
    const fill = cStart.slice(0, count);
    for (let i = 1; i < count; i++) {
      const old = order[i] as number;
      const p = id[childOf[old] as number] as number;
      const k = fill[p] as number;
      fill[p] = k + 1;
      cChar[k] = charOf[old] as number;
      // State i is slot i - 1: see AcTables.cStart.
      if (k !== i - 1) throw new Error('children out of breadth-first order');
    }
    for (let i = 0; i < count; i++) {
      const old = order[i] as number;
      out2[i] = out[old] as number;
      dict2[i] = id[dict[old] as number] as number;
      depth2[i] = depth[old] as number;
      fail2[i] = id[fail[old] as number] as number;
    }
    const accept = new Uint8Array(count);
    for (let st = 1; st < count; st++)
      if ((out2[st] as number) >= 0 || (dict2[st] as number) !== 0) accept[st] = 1;
    this.tables = {
      dense,
      nDense,
      cStart,
      cChar,
      fail: fail2,
      accept,
      out: out2,
      dict: dict2,
      depth: depth2,
      boundary: id[1] as number,
    };
    this.states = count;
    this.boundary = id[1] as number;
  }

  /** The state at a word start: where the scan begins and where every separator leads. */
  readonly boundary: number;

  /** Cheap pre-filter on the raw text: false means no key can be found in it. */
  mayMatch(text: string): boolean {
    return needsFullScan(text, this.tables);
  }

  /** Hits of the last scanCodes() call: (key id, end exclusive) pairs. */
  hits = new Int32Array(64);
  private nHits = 0;
  // Scratch for the ambiguous-reading path: current states, candidate next states.
  private cur = new Int32Array(MAX_PATHS);
  private next = new Int32Array(MAX_PATHS * ANY_LETTER.length);

  /**
   * Calls onHit(keyId, endExclusive) for every key occurrence. `alt` gives a second reading of
   * some positions (leet '1' = i or l; '*' = any letter). Kept for callers holding a string.
   */
  scan(text: string, alt: Map<number, number> | null, onHit: (id: number, end: number) => void): void {
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
    const a = new Uint8Array(text.length);
    if (alt !== null) for (const [k, v] of alt) a[k] = v;
    const count = this.scanCodes(codes, text.length, alt === null ? null : a);
    const hits = this.hits.slice(0, count * 2);
    for (let k = 0; k < count; k++) onHit(hits[2 * k] as number, hits[2 * k + 1] as number);
  }

  /**
   * Finds every key occurrence in codes[0..len) and returns how many; they are in `hits`, in the
   * order the automaton reports them. `alt` (0 = none) gives a second reading of some positions:
   * the automaton then follows every path, keeping the deepest few.
   */
  scanCodes(codes: Uint16Array, len: number, alt: Uint8Array | null): number {
    this.nHits = 0;
    const t = this.tables;
    const dense = t.dense;
    const nDense = t.nDense;
    const accept = t.accept;
    const boundary = this.boundary;
    if (alt === null) {
      let s = boundary;
      for (let i = 0; i < len; i++) {
        const code = codes[i] as number;
        const c = code < 128 ? (CHAR_INDEX[code] as number) : -1;
        if (c < 0) {
          s = code === OTHER_LETTER ? 0 : boundary;
          continue;
        }
        s = s < nDense ? (dense[s * ALPHA + c] as number) : deepStep(t, s, c);
        if (accept[s] === 1) this.emit(s, i + 1);
      }
      return this.nHits;
    }
    const depth = t.depth;
    const cur = this.cur;
    const next = this.next;
    let nCur = 1;
    cur[0] = boundary;
    for (let i = 0; i < len; i++) {
      const a = alt[i] as number;
      const nCodes = a === 42 ? ANY_LETTER.length : a !== 0 ? 2 : 1;
      let nNext = 0;
      for (let k = 0; k < nCur; k++) {
        const s = cur[k] as number;
        for (let q = 0; q < nCodes; q++) {
          const code = a === 42 ? (ANY_LETTER[q] as number) : q === 0 ? (codes[i] as number) : a;
          const c = code < 128 ? (CHAR_INDEX[code] as number) : -1;
          const to =
            c >= 0
              ? s < nDense
                ? (dense[s * ALPHA + c] as number)
                : deepStep(t, s, c)
              : code === OTHER_LETTER
                ? 0
                : boundary;
          // Insert in order of decreasing depth, after equals (a stable sort), without duplicates.
          let dup = false;
          for (let x = 0; x < nNext && !dup; x++) dup = next[x] === to;
          if (dup) continue;
          const d = depth[to] as number;
          let at = nNext;
          while (at > 0 && (depth[next[at - 1] as number] as number) < d) {
            next[at] = next[at - 1] as number;
            at--;
          }
          next[at] = to;
          nNext++;
        }
      }
      // Keep the deepest few paths: enough for a handful of ambiguous characters in one word.
      nCur = Math.min(nNext, MAX_PATHS);
      for (let k = 0; k < nCur; k++) {
        const s = next[k] as number;
        cur[k] = s;
        if (accept[s] === 1) this.emit(s, i + 1);
      }
    }
    return this.nHits;
  }

  /**
   * Keys of at least minLen characters starting strictly inside the word codes[from..to) and
   * ending in it (glued hashtags: #salepute). Appends them to the hits of the last scanCodes() call
   * and returns the new count. Walks the trie from the boundary state at each inner position;
   * hashtags are short, so this costs little, and only texts with hashtags pay it.
   */
  insideWord(codes: Uint16Array, from: number, to: number, alt: Uint8Array | null, minLen: number): number {
    for (let p = from + 1; p + minLen <= to; p++) this.walk(codes, p, p, to, alt, this.boundary, minLen);
    return this.nHits;
  }

  /** Trie walk (children only, no failure links) from state s at position q, for a key starting at p. */
  private walk(
    codes: Uint16Array,
    p: number,
    q: number,
    to: number,
    alt: Uint8Array | null,
    s: number,
    minLen: number,
  ): void {
    const t = this.tables;
    let st = s;
    for (let i = q; i < to; i++) {
      const a = alt === null ? 0 : (alt[i] as number);
      if (a !== 0) {
        // Every reading of an ambiguous character: the key may use either.
        const n = a === 42 ? ANY_LETTER.length : 2;
        for (let k = 0; k < n; k++) {
          const code = a === 42 ? (ANY_LETTER[k] as number) : k === 0 ? (codes[i] as number) : a;
          const next = this.child(st, code);
          if (next < 0) continue;
          if ((t.out[next] as number) >= 0 && i + 1 - p >= minLen) this.push(t.out[next] as number, i + 1);
          this.walk(codes, p, i + 1, to, alt, next, minLen);
        }
        return;
      }
      st = this.child(st, codes[i] as number);
      if (st < 0) return;
      if ((t.out[st] as number) >= 0 && i + 1 - p >= minLen) this.push(t.out[st] as number, i + 1);
    }
  }

  /** The trie child of state s on a stream character, or -1. */
  private child(s: number, code: number): number {
    const c = code < 128 ? (CHAR_INDEX[code] as number) : -1;
    return c < 0 ? -1 : trieChild(this.tables, s, c);
  }

  private push(keyId: number, end: number): void {
    if (this.nHits * 2 + 2 > this.hits.length) {
      const grown = new Int32Array(this.hits.length * 2);
      grown.set(this.hits);
      this.hits = grown;
    }
    this.hits[this.nHits * 2] = keyId;
    this.hits[this.nHits * 2 + 1] = end;
    this.nHits++;
  }

  private emit(state: number, end: number): void {
    const out = this.tables.out;
    const dict = this.tables.dict;
    let s = state;
    if ((out[s] as number) < 0) s = dict[s] as number;
    while (s !== 0) {
      this.push(out[s] as number, end);
      s = dict[s] as number;
    }
  }
}
