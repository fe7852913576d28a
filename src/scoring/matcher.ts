// Aho-Corasick automaton over the normalised stream: every lexicon key found in one pass.
// Built once per process for the base lexicons (a dense DFA: one array read per character) and
// once per watch for its few extra terms.

/** Stream characters that may appear inside a key; anything else resets the automaton. */
const ALPHA = 38;
const CHAR_INDEX = new Int8Array(128).fill(-1);
for (let c = 97; c <= 122; c++) CHAR_INDEX[c] = c - 97;
for (let c = 48; c <= 57; c++) CHAR_INDEX[c] = 26 + c - 48;
CHAR_INDEX[42] = 36; // '*'
CHAR_INDEX[32] = 37; // ' ' between the words of a phrase

/** A masking star stands for any letter (or a literal star, for lexicon entries written masked). */
const ANY_LETTER = [42, ...Array.from({ length: 26 }, (_, i) => 97 + i)];

export function isKeyChar(code: number): boolean {
  return code < 128 && (CHAR_INDEX[code] as number) >= 0;
}

import { needsFullScan } from './quick-scan.ts';

export class AhoCorasick {
  private readonly delta: Int32Array;
  /** 1 where some key ends (directly or via the failure chain). */
  private readonly accept: Uint8Array;
  /** Key id ending exactly at each state, or -1. */
  private readonly out: Int32Array;
  /** Next state on the failure chain that has an output, or 0. */
  private readonly dict: Int32Array;
  private readonly depth: Int32Array;
  readonly states: number;

  constructor(keys: readonly string[]) {
    let capacity = 1;
    for (const k of keys) capacity += k.length;
    const go = new Int32Array(capacity * ALPHA).fill(-1);
    const out = new Int32Array(capacity).fill(-1);
    const depth = new Int32Array(capacity);
    let count = 1;
    keys.forEach((key, id) => {
      let s = 0;
      for (let i = 0; i < key.length; i++) {
        const c = CHAR_INDEX[key.charCodeAt(i)] ?? -1;
        if (c < 0) throw new Error(`invalid character in key ${JSON.stringify(key)}`);
        let next = go[s * ALPHA + c] as number;
        if (next < 0) {
          next = count++;
          go[s * ALPHA + c] = next;
          depth[next] = i + 1;
        }
        s = next;
      }
      if ((out[s] as number) < 0) out[s] = id;
    });
    const fail = new Int32Array(count);
    const dict = new Int32Array(count);
    const queue = new Int32Array(count);
    let head = 0;
    let tail = 0;
    for (let c = 0; c < ALPHA; c++) {
      const s = go[c] as number;
      if (s < 0) go[c] = 0;
      else {
        fail[s] = 0;
        queue[tail++] = s;
      }
    }
    // Breadth-first: complete the transition table so scanning never follows failure links.
    while (head < tail) {
      const r = queue[head++] as number;
      const f = fail[r] as number;
      dict[r] = (out[f] as number) >= 0 ? f : (dict[f] as number);
      for (let c = 0; c < ALPHA; c++) {
        const s = go[r * ALPHA + c] as number;
        if (s < 0) go[r * ALPHA + c] = go[f * ALPHA + c] as number;
        else {
          fail[s] = go[f * ALPHA + c] as number;
          queue[tail++] = s;
        }
      }
    }
    // Renumber states breadth-first: the shallow states that most characters visit then sit
    // together at the start of the table, in cache, instead of scattered over megabytes.
    const order = new Int32Array(count);
    order.set(queue.subarray(0, tail), 1);
    const id = new Int32Array(count);
    for (let i = 0; i < count; i++) id[order[i] as number] = i;
    const delta = new Int32Array(count * ALPHA);
    const out2 = new Int32Array(count);
    const dict2 = new Int32Array(count);
    const depth2 = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const old = order[i] as number;
      for (let c = 0; c < ALPHA; c++) delta[i * ALPHA + c] = id[go[old * ALPHA + c] as number] as number;
      out2[i] = out[old] as number;
      dict2[i] = id[dict[old] as number] as number;
      depth2[i] = depth[old] as number;
    }
    this.delta = delta;
    this.out = out2;
    this.dict = dict2;
    this.depth = depth2;
    this.states = count;
    this.accept = new Uint8Array(count);
    for (let st = 1; st < count; st++) if ((out2[st] as number) >= 0 || (dict2[st] as number) !== 0) this.accept[st] = 1;
  }

  /** Cheap pre-filter on the raw text: false means no key can be found in it. */
  mayMatch(text: string): boolean {
    return needsFullScan(text, this.delta, this.accept, ALPHA);
  }

  /**
   * Calls onHit(keyId, endExclusive) for every key occurrence. `alt` gives a second reading of
   * some positions (leet '1' = i or l; '*' = any letter): the automaton then follows every path,
   * keeping the deepest few.
   */
  scan(text: string, alt: Map<number, number> | null, onHit: (id: number, end: number) => void): void {
    const delta = this.delta;
    if (alt === null) {
      let s = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        const c = code < 128 ? (CHAR_INDEX[code] as number) : -1;
        if (c < 0) {
          s = 0;
          continue;
        }
        s = delta[s * ALPHA + c] as number;
        if (s !== 0) this.emit(s, i + 1, onHit);
      }
      return;
    }
    let states = [0];
    for (let i = 0; i < text.length; i++) {
      const a = alt.get(i);
      const codes = a === 42 ? ANY_LETTER : a !== undefined ? [text.charCodeAt(i), a] : [text.charCodeAt(i)];
      const next: number[] = [];
      for (const s of states) {
        for (const code of codes) {
          const c = code < 128 ? (CHAR_INDEX[code] as number) : -1;
          const t = c < 0 ? 0 : (delta[s * ALPHA + c] as number);
          if (!next.includes(t)) next.push(t);
        }
      }
      // Keep the deepest few paths: enough for a handful of ambiguous characters in one word.
      next.sort((x, y) => (this.depth[y] as number) - (this.depth[x] as number));
      states = next.slice(0, 8);
      for (const s of states) if (s !== 0) this.emit(s, i + 1, onHit);
    }
  }

  private emit(state: number, end: number, onHit: (id: number, end: number) => void): void {
    let s = state;
    if ((this.out[s] as number) < 0) s = this.dict[s] as number;
    while (s !== 0) {
      onHit(this.out[s] as number, end);
      s = this.dict[s] as number;
    }
  }
}
