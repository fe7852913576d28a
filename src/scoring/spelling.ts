// Spelling a harasser actually uses, beyond what normalisation folds (accents, leet, repeats,
// spaced letters): one slip of the keyboard ("stupdi", "idoit", "biatch") and words glued together
// ("tesuneconne", "killurself"). Only whole words, only long keys, and never an ordinary word:
// words of the dictionary and of everyday posts that sit one edit from a lexicon word ("regard"
// from "retard", "Putin" from "putain") are listed in lexicons/spelling-ordinary.txt.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FLAG_HANDLE, normalize, type Stream } from './normalize.ts';
import type { LexiconEntry, Variant } from './lexicon.ts';
import type { Hit } from './term-matcher.ts';

/** A slip only counts on keys this long: shorter words are one edit from too many others. */
export const SLIP_MIN_KEY = 5;
/** Dropping or replacing a letter is a bigger step than swapping two: longer keys only. */
const SLIP_MIN_KEY_LOSSY = 7;
/** Glued phrases this long are unambiguous ("tesuneconne" is no ordinary word). */
const GLUED_MIN = 8;
/** The lexicon word after a glue word: long enough to be no accident ("sale" + "con" is "salecon"). */
const GLUED_REST_MIN = 4;
/** Longer words are no slip nor glued phrase of any lexicon entry (and a 1 MB token costs nothing). */
const MAX_WORD = 60;

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/**
 * One adjacent swap, one letter added, or (long keys, when `lossy`) one removed or replaced; never
 * the first letter, and never a letter added or removed at the end: endings are the suffix rules'
 * business ("boulette" is not "boulet" + a slip).
 */
export function oneSlip(word: string, key: string, lossy = true): boolean {
  if (word === key || word[0] !== key[0]) return false;
  const lw = word.length;
  const lk = key.length;
  if (lw === lk) {
    let i = 0;
    while (i < lw && word[i] === key[i]) i++;
    let j = lw - 1;
    while (j > i && word[j] === key[j]) j--;
    if (j === i + 1 && word[i] === key[j] && word[j] === key[i]) return true; // swap
    return lossy && j === i && lk >= SLIP_MIN_KEY_LOSSY; // one replaced letter
  }
  const longer = lw > lk ? word : key;
  const shorter = lw > lk ? key : word;
  if (longer.length - shorter.length !== 1) return false;
  if (lw < lk && (!lossy || lk < SLIP_MIN_KEY_LOSSY)) return false; // a letter dropped
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  return i < shorter.length && shorter.slice(i) === longer.slice(i + 1);
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

function readList(name: string): string[] {
  const file = fileURLToPath(new URL(`./lexicons/${name}`, import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function loadOrdinaryWords(): ReadonlySet<string> {
  return new Set(readList('spelling-ordinary.txt'));
}

/** The glue words, folded and with their spaces removed ("t es une" → "tesune"), longest first. */
export function loadGluePrefixes(): string[] {
  return [...new Set(readList('spelling-glue.txt').map((p) => normalize(p).text.replace(/ /g, '')))]
    .filter((p) => p.length > 0)
    .sort((a, b) => b.length - a.length);
}

export class SpellingMatcher {
  /**
   * Glued multi-word keys ("tesunecone"): their variants sorted by a hash of the key without its
   * spaces (ties in lexicon order). Over 100 000 phrases: typed arrays rather than a Map of strings.
   */
  private readonly gluedHash: Float64Array;
  private readonly gluedVariants: Variant[];
  /** Each single-word key and its one-letter deletions → the keys they come from (symmetric delete). */
  private readonly near = new Map<string, string[]>();
  private readonly byKey = new Map<string, Variant[]>();
  /** First letters of every key and glue word: a word starting otherwise cannot match. */
  private readonly firsts = new Set<number>();
  /** Single-word keys that may follow a glue word. */
  private readonly gluable = new Map<string, Variant[]>();
  private readonly memo = new Map<string, readonly Variant[]>();
  /** Scratch: which stream positions the other hits cover (grown as needed, reused per call). */
  private coverage = new Uint8Array(1024);
  /** The same entries aimed at someone: the glued pronoun addresses the insult ("tesuneconne"). */
  private readonly addressed = new Map<LexiconEntry, LexiconEntry>();

  constructor(
    variants: readonly Variant[],
    private readonly ordinary: ReadonlySet<string>,
    private readonly glue: readonly string[] = [],
  ) {
    for (const p of glue) this.firsts.add(p.charCodeAt(0));
    const glued: number[] = [];
    variants.forEach((v, i) => {
      this.firsts.add(v.key.charCodeAt(0));
      const e = v.entry;
      if (e.benign || e.group || e.address || e.meet || e.callout) return;
      if (v.key.includes(' ')) {
        if (!e.needsTarget) {
          const h = gluedHashOf(v.key);
          if (h >= 0) glued.push(h * 2 ** 18 + i);
        }
      } else if (/^[a-z]+$/.test(v.key)) {
        if (v.key.length >= GLUED_REST_MIN) push(this.gluable, v.key, v);
        if (v.key.length < SLIP_MIN_KEY || v.repeats !== null) return;
        // (A key whose doubled letters make its meaning — "Niger" is not the slur — takes no slip.)
        if (!this.byKey.has(v.key)) {
          for (const d of [v.key, ...deletions(v.key)]) push(this.near, d, v.key);
        }
        push(this.byKey, v.key, v);
      }
    });
    if (variants.length > 2 ** 18) throw new Error('too many variants for the glued-phrase index');
    const order = Float64Array.from(glued).sort();
    this.gluedHash = order.map((x) => Math.floor(x / 2 ** 18));
    this.gluedVariants = Array.from(order, (x) => variants[x % 2 ** 18] as Variant);
  }

  /** The variants whose key without its spaces is `word`, in lexicon order, or undefined. */
  private gluedOf(word: string): Variant[] | undefined {
    const h = gluedHashOf(word);
    if (h < 0) return undefined;
    const hashes = this.gluedHash;
    let lo = 0;
    let hi = hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hashes[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    let found: Variant[] | undefined;
    for (let k = lo; k < hashes.length && hashes[k] === h; k++) {
      const v = this.gluedVariants[k] as Variant;
      if (v.key.replace(/ /g, '') === word) (found ??= []).push(v);
    }
    return found;
  }

  /**
   * Appends hits for the words of the stream that no other hit covers: a glued phrase, or a word
   * one slip away from a lexicon word.
   */
  find(n: Stream, covered: readonly Hit[], out: Hit[]): void {
    const codes = n.codes;
    // Stream positions other hits cover, marked once: a post of many insults stays linear.
    if (this.coverage.length < n.length) this.coverage = new Uint8Array(n.length * 2);
    const mask = this.coverage;
    mask.fill(0, 0, n.length);
    for (const h of covered) mask.fill(1, h.s, h.e);
    for (let i = 0; i < n.length;) {
      if (!isWordChar(codes[i] as number)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n.length && isWordChar(codes[j] as number)) j++;
      const len = j - i;
      if (
        len >= SLIP_MIN_KEY &&
        len <= MAX_WORD &&
        this.firsts.has(codes[i] as number) &&
        !((n.flags[i] as number) & FLAG_HANDLE) &&
        !coveredIn(mask, i, j)
      ) {
        let word = '';
        for (let k = i; k < j; k++) word += String.fromCharCode(codes[k] as number);
        this.matchWord(word, i, j, out);
      }
      i = j;
    }
  }

  private aimed(entry: LexiconEntry): LexiconEntry {
    let a = this.addressed.get(entry);
    if (a === undefined) {
      a = { ...entry, needsTarget: false };
      this.addressed.set(entry, a);
    }
    return a;
  }

  private matchWord(word: string, s: number, e: number, out: Hit[]): void {
    let found = this.memo.get(word);
    if (found === undefined) {
      found = this.variantsFor(word);
      // Words repeat from post to post: remember the answer, within bounds.
      if (this.memo.size >= MEMO_MAX) this.memo.clear();
      this.memo.set(word, found);
    }
    for (const v of found) out.push({ variant: v, s, e });
  }

  private variantsFor(word: string): readonly Variant[] {
    const glued = word.length >= GLUED_MIN ? this.gluedOf(word) : undefined;
    if (glued !== undefined) return glued;
    if (word.length >= GLUED_MIN) {
      for (const prefix of this.glue) {
        if (!word.startsWith(prefix) || word.length - prefix.length < GLUED_REST_MIN) continue;
        const rest = this.gluable.get(word.slice(prefix.length));
        if (rest !== undefined) return rest.map((v) => ({ ...v, entry: this.aimed(v.entry) }));
      }
    }
    if (this.ordinary.has(word)) return NONE;
    let found: Variant[] | null = null;
    const seen = new Set<string>();
    for (const probe of [word, ...deletions(word)]) {
      for (const key of this.near.get(probe) ?? []) {
        if (seen.has(key)) continue;
        seen.add(key);
        for (const v of this.byKey.get(key) ?? []) {
          // Dropped or replaced letters only for English keys: the dictionary of ordinary English
          // words guards them; French ones have no such list here.
          if (oneSlip(word, key, v.entry.lang === 'en')) (found ??= []).push(v);
        }
      }
    }
    return found ?? NONE;
  }
}

const NONE: readonly Variant[] = [];

/**
 * A 32-bit hash of the text without its spaces, or -1 when that is shorter than GLUED_MIN or holds
 * anything but [a-z0-9] (no glued phrase then).
 */
function gluedHashOf(text: string): number {
  let h = 0x811c9dc5;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) continue;
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return -1;
    h = Math.imul(h ^ c, 0x01000193);
    n++;
  }
  return n < GLUED_MIN ? -1 : h >>> 0;
}
/** Distinct words remembered by one matcher before it starts again. */
const MEMO_MAX = 50_000;

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function coveredIn(mask: Uint8Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (mask[k] === 1) return true;
  return false;
}
