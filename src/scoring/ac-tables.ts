// Compact Aho-Corasick transition tables shared by the matcher and the quick pre-filter.
// A fully dense DFA over a ~80 000-key lexicon is ~500 000 states × 38 columns: 75 MB, so every
// step was a cache miss. Only the shallow states, which most characters visit, keep a dense row;
// deeper states list their few trie children (CSR) and fall back along failure links.

/** Characters of the automaton's alphabet ('a'..'z', '0'..'9', '*', ' '). */
export const ALPHA = 38;

export interface AcTables {
  /** Dense rows for states below nDense (breadth-first numbering puts the shallow ones first). */
  dense: Int32Array;
  nDense: number;
  /**
   * Children of state s: slots cStart[s] .. cStart[s + 1]), slot k on character cChar[k] leading
   * to state k + 1. Breadth-first numbering makes the children of a state consecutive states, in
   * the order of their parents, so the state of slot k needs no table of its own.
   */
  cStart: Int32Array;
  cChar: Uint8Array;
  fail: Int32Array;
  /** 1 where some key ends (directly or via the failure chain). */
  accept: Uint8Array;
  /** Key id ending exactly at each state, or -1. */
  out: Int32Array;
  /** Next state on the failure chain that has an output, or 0. */
  dict: Int32Array;
  depth: Int32Array;
  /** The word-start state (keys are anchored behind a boundary: see matcher.ts). */
  boundary: number;
}

/** Transition from a deep state (s >= nDense): its own child, else its failure state's transition. */
export function deepStep(t: AcTables, state: number, c: number): number {
  let s = state;
  for (;;) {
    if (s < t.nDense) return t.dense[s * ALPHA + c] as number;
    const end = t.cStart[s + 1] as number;
    for (let k = t.cStart[s] as number; k < end; k++) if (t.cChar[k] === c) return k + 1;
    s = t.fail[s] as number;
  }
}

/** The trie child of state s on alphabet index c, or -1: failure transitions are not children. */
export function trieChild(t: AcTables, s: number, c: number): number {
  if (s < t.nDense) {
    const next = t.dense[s * ALPHA + c] as number;
    return t.depth[next] === (t.depth[s] as number) + 1 ? next : -1;
  }
  const end = t.cStart[s + 1] as number;
  for (let k = t.cStart[s] as number; k < end; k++) if (t.cChar[k] === c) return k + 1;
  return -1;
}
