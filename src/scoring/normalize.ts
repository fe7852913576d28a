// Normalisation that keeps offsets back to the original text.
//
// The output is a compact stream: lowercase Latin letters, digits and '*' inside words; ' ' between
// words; '|' for a clause break; '"' for a quotation mark; '@' / '#' before handles and hashtags.
// ',' marks a weak break (comma): phrases stop there, negation windows too, targeting does not.
// Repeated letters are collapsed into one stream character whose `run` says how many there were,
// so "connnaaard" and "connard" both become "conard" and the matcher checks the runs against the
// term's own (which keeps "as" from matching "ass", "but" from matching "butt").
import { foldCodePoint, K, LEET_ALT, LEET_MAP } from './fold.ts';

export const FLAG_HANDLE = 1;
export const FLAG_HASHTAG = 2;

/** Views on shared scratch buffers: valid until the next normalize() call (copy to keep). */
export interface Normalized {
  text: string;
  /** Original span (UTF-16, end exclusive) of each stream character. */
  start: Int32Array;
  end: Int32Array;
  /** How many repeated original letters were collapsed into each stream character. */
  run: Uint16Array;
  /** FLAG_HANDLE / FLAG_HASHTAG per stream character. */
  flags: Uint8Array;
  /** Second reading of ambiguous leet characters ('1' = i or l), by stream index; 42 ('*') = any letter. */
  alt: Map<number, number> | null;
}

// Separator flags accumulated between two tokens.
const S_SPACE = 1;
const S_CLAUSE = 2;
const S_QUOTE = 4;
const S_DOT = 8;
const S_COMMA = 16;

// Raw character kinds inside a token.
const R_LETTER = 0;
const R_DIGIT = 1;
const R_LEET = 2;
const R_STAR = 3;
const R_OTHER = 4;

const reUrl = /\b(?:https?:\/\/|www\.)\S+/giu;

/** Scratch buffers reused between calls: score() is synchronous, so no interleaving is possible. */
let cap = 0;
let rc = new Uint16Array(0); // char code
let rs = new Int32Array(0); // original start
let re = new Int32Array(0); // original end
let rk = new Uint8Array(0); // raw kind
let ru = new Uint8Array(0); // was upper case
function ensure(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, cap * 2, 256);
  rc = new Uint16Array(cap);
  rs = new Int32Array(cap);
  re = new Int32Array(cap);
  rk = new Uint8Array(cap);
  ru = new Uint8Array(cap);
}

interface Token {
  cs: number; // first raw char
  ce: number; // end raw char (exclusive)
  prefix: number; // 0, '@' or '#'
  sep: number; // separator flags before this token
  /** Continuation of a camelCase hashtag/handle: a word of its own, no marker before it. */
  cont?: boolean;
  /** Single letters joined into one word ("c o n n a r d"). */
  parts?: Token[];
}

export function normalize(input: string): Normalized {
  const len = input.length;
  ensure(len * 3 + 8);
  const tokens: Token[] = [];
  let n = 0; // raw chars
  let tokStart = 0;
  let prefix = 0;
  let sep = 0;
  let urls: RegExpExecArray | null = null;
  if (input.includes('http') || input.includes('www.')) {
    reUrl.lastIndex = 0;
    urls = reUrl.exec(input);
  }
  const endToken = (): void => {
    // Leading/trailing '!' and '|' are punctuation, not leetspeak ("connard!!!", "|bitch|").
    let cs = tokStart;
    let ce = n;
    while (cs < ce && rk[cs] === R_LEET && (rc[cs] === 33 || rc[cs] === 124)) cs++;
    while (ce > cs && rk[ce - 1] === R_LEET && (rc[ce - 1] === 33 || rc[ce - 1] === 124)) ce--;
    if (ce > cs) {
      tokens.push({ cs, ce, prefix, sep });
      sep = 0;
    } else if (n > tokStart) sep |= S_CLAUSE;
    if (ce < n) sep |= S_CLAUSE;
    tokStart = n;
    prefix = 0;
  };

  for (let i = 0; i < len; ) {
    if (urls !== null && i >= urls.index) {
      // URLs are opaque (shortened links contain random letters): a plain separator.
      const urlEnd = urls.index + urls[0].length;
      if (n > tokStart) endToken();
      sep |= S_SPACE;
      i = Math.max(i, urlEnd);
      urls = reUrl.exec(input);
      continue;
    }
    const cp = input.codePointAt(i) as number;
    const w = cp > 0xffff ? 2 : 1;
    const f = foldCodePoint(cp);
    switch (f.kind) {
      case K.Letter:
        for (let j = 0; j < f.out.length; j++) {
          rc[n] = f.out.charCodeAt(j);
          rs[n] = i;
          re[n] = i + w;
          rk[n] = R_LETTER;
          ru[n] = f.upper ? 1 : 0;
          n++;
        }
        break;
      case K.OtherLetter:
        rc[n] = 95; // '_': a word character no term contains
        rs[n] = i;
        re[n] = i + w;
        rk[n] = R_OTHER;
        ru[n] = 0;
        n++;
        break;
      case K.Digit:
      case K.LeetSym:
      case K.Star:
        rc[n] = f.out.charCodeAt(0);
        rs[n] = i;
        re[n] = i + w;
        rk[n] = f.kind === K.Digit ? R_DIGIT : f.kind === K.Star ? R_STAR : R_LEET;
        ru[n] = 0;
        n++;
        break;
      case K.At:
      case K.Hash:
        if (n === tokStart && prefix === 0) {
          prefix = f.kind === K.At ? 64 : 35;
        } else if (f.kind === K.At) {
          rc[n] = 64;
          rs[n] = i;
          re[n] = i + w;
          rk[n] = R_LEET;
          ru[n] = 0;
          n++;
        } else {
          endToken();
          sep |= S_SPACE;
        }
        break;
      case K.Ignore:
        break; // zero-width characters inside a word do not split it
      default:
        if (n > tokStart) endToken();
        else prefix = 0;
        sep |=
          f.kind === K.Clause
            ? f.out === ','
              ? S_COMMA
              : S_CLAUSE
            : f.kind === K.Quote
              ? S_QUOTE
              : f.out === '.'
                ? S_DOT
                : S_SPACE;
    }
    i += w;
  }
  if (n > tokStart) endToken();
  return emit(tokens, n, sep, len);
}

function hasLetter(t: Token): boolean {
  if (t.parts) return t.parts.some(hasLetter);
  for (let i = t.cs; i < t.ce; i++) if (rk[i] === R_LETTER) return true;
  return false;
}

/** Split camelCase handles and hashtags (#SaleConnasse -> sale connasse). */
function splitCamel(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.prefix === 0) {
      out.push(t);
      continue;
    }
    let cs = t.cs;
    let cont = false;
    for (let i = t.cs + 1; i < t.ce; i++) {
      if (ru[i] === 1 && ru[i - 1] === 0 && rk[i - 1] === R_LETTER) {
        out.push({ cs, ce: i, prefix: t.prefix, sep: cont ? S_SPACE : t.sep, cont });
        cont = true;
        cs = i;
      }
    }
    out.push({ cs, ce: t.ce, prefix: t.prefix, sep: cont ? S_SPACE : t.sep, cont });
  }
  return out;
}

/** Join letters split by spaces, dots, dashes or emoji: "c o n n a r d", "c.o.n.n.a.r.d". */
function joinSingles(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i;
    for (; j < tokens.length; j++) {
      const t = tokens[j] as Token;
      if (t.ce - t.cs !== 1 || t.prefix !== 0) break;
      if (j > i && (t.sep & (S_CLAUSE | S_QUOTE | S_COMMA)) !== 0) break;
    }
    if (j - i >= 3) {
      const parts = tokens.slice(i, j);
      const a = parts[0] as Token;
      out.push({ cs: a.cs, ce: (parts[parts.length - 1] as Token).ce, prefix: 0, sep: a.sep, parts });
      i = j;
    } else {
      out.push(tokens[i] as Token);
      i++;
    }
  }
  return out;
}

// Output scratch buffers, reused between calls (allocating typed arrays per call dominated the
// cost). A Normalized holds views on them: valid until the next normalize() call.
let outCap = 0;
let oc = new Uint16Array(0);
let os = new Int32Array(0);
let oe = new Int32Array(0);
let or = new Uint16Array(0);
let of = new Uint8Array(0);
let m = 0;
function ensureOut(n: number): void {
  if (n <= outCap) return;
  outCap = Math.max(n, outCap * 2, 256);
  oc = new Uint16Array(outCap);
  os = new Int32Array(outCap);
  oe = new Int32Array(outCap);
  or = new Uint16Array(outCap);
  of = new Uint8Array(outCap);
}
function pushSep(code: number, at: number, flag: number): void {
  oc[m] = code;
  os[m] = at;
  oe[m] = at + (code === 64 || code === 35 ? 1 : 0);
  or[m] = 1;
  of[m] = flag;
  m++;
}

function emit(rawTokens: Token[], rawChars: number, trailing: number, len: number): Normalized {
  const tokens = joinSingles(splitCamel(rawTokens));
  ensureOut(rawChars + tokens.length * 3 + 4);
  let alt = null as Map<number, number> | null;
  m = 0;
  for (const t of tokens) {
    const at = rs[t.cs] as number;
    const flag = t.prefix === 64 ? FLAG_HANDLE : t.prefix === 35 ? FLAG_HASHTAG : 0;
    if (t.sep & S_QUOTE) pushSep(34, at, 0);
    if (m > 0 && t.sep & (S_CLAUSE | S_DOT)) pushSep(124, at, 0);
    else if (m > 0 && t.sep & S_COMMA) pushSep(44, at, 0);
    else if (m > 0 && !(t.sep & S_QUOTE)) pushSep(32, at, t.cont ? flag : 0);
    if (t.prefix !== 0 && !t.cont) pushSep(t.prefix, at - 1, flag);
    const leet = hasLetter(t);
    let last = -1;
    for (const part of t.parts ?? [t]) {
      for (let i = part.cs; i < part.ce; i++) {
        const kind = rk[i] as number;
        let code = rc[i] as number;
        let altCode = -1;
        if (kind === R_DIGIT || kind === R_LEET) {
          if (!leet) {
            if (kind === R_LEET) continue;
          } else {
            const ch = String.fromCharCode(code);
            const mapped = LEET_MAP[ch];
            if (mapped !== undefined) {
              const a = LEET_ALT[ch];
              if (a !== undefined) altCode = a.charCodeAt(0);
              code = mapped.charCodeAt(0);
            }
          }
        }
        // A star in a word masks one letter ("p*te"): the matcher tries every letter there.
        if (kind === R_STAR && leet) altCode = 42;
        const isDigit = (code >= 48 && code <= 57) || code === 42;
        if (code === last && !isDigit && altCode < 0 && alt?.has(m - 1) !== true) {
          or[m - 1] = (or[m - 1] as number) + 1;
          oe[m - 1] = re[i] as number;
          continue;
        }
        oc[m] = code;
        os[m] = rs[i] as number;
        oe[m] = re[i] as number;
        or[m] = 1;
        of[m] = flag;
        if (altCode >= 0) (alt ??= new Map()).set(m, altCode);
        last = code;
        m++;
      }
    }
  }
  if (trailing & S_QUOTE) pushSep(34, len, 0);
  let text = '';
  for (let i = 0; i < m; i += 4096) {
    text += String.fromCharCode.apply(null, oc.subarray(i, Math.min(m, i + 4096)) as unknown as number[]);
  }
  return {
    text,
    start: os.subarray(0, m),
    end: oe.subarray(0, m),
    run: or.subarray(0, m),
    flags: of.subarray(0, m),
    alt,
  };
}
