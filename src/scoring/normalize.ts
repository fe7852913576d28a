// Normalisation that keeps offsets back to the original text.
//
// The output is a compact stream: lowercase Latin letters, digits and '*' inside words; ' ' between
// words; '|' for a clause break; '"' for a quotation mark; '@' / '#' before handles and hashtags.
// ',' marks a weak break (comma): phrases stop there, negation windows too, targeting does not.
// Repeated letters are collapsed into one stream character whose `run` says how many there were,
// so "connnaaard" and "connard" both become "conard" and the matcher checks the runs against the
// term's own (which keeps "as" from matching "ass", "but" from matching "butt").
//
// Speed: this runs for every post that may contain a term, so it allocates nothing per call.
// Raw characters, tokens and the output stream live in typed arrays reused between calls
// (score() is synchronous, so calls never interleave); characters are classified through the flat
// tables of fold.ts. The stream is read as char codes; a string is only built on request.
import {
  C_AT,
  C_DIGIT,
  C_HASH,
  C_IGNORE,
  C_LEET,
  C_LETTER,
  C_MULTI,
  C_OTHER_LETTER,
  C_STAR,
  C_UNKNOWN,
  classOf,
  codeOf,
  FOLD_CLASS,
  FOLD_CODE,
  FOLD_UPPER,
  foldCodePoint,
  learn,
  SEP_CLAUSE,
  SEP_QUOTE,
  SEP_QUOTE_TWICE,
  SEP_SPACE,
  SEP_WIDE,
} from './fold.ts';
import { isCodedHateSign } from './coded-hate.ts';
import {
  emit,
  R_DIGIT,
  R_LEET,
  R_LETTER,
  R_OTHER,
  R_STAR,
  splitCamel,
  stream,
  streamText,
  type Normalized,
  type Stream,
} from './stream-writer.ts';

export { FLAG_GLUED, FLAG_HANDLE, streamText, type Normalized, type Stream } from './stream-writer.ts';

const reUrl = /\b(?:https?:\/\/|www\.)\S+/giu;

// Raw characters: folded code, original span, kind, upper-case flag.
let cap = 0;
let rc = new Uint16Array(0);
let rs = new Int32Array(0);
let re = new Int32Array(0);
let rk = new Uint8Array(0);
let ru = new Uint8Array(0);
// Tokens as found: first raw char, end raw char, prefix ('@' 64 / '#' 35 / 0), separator flags
// before the token. stream-writer.ts splits them at camelCase humps.
let tokCap = 0;
let tCs = new Int32Array(0);
let tCe = new Int32Array(0);
let tPre = new Uint8Array(0);
let tSep = new Uint8Array(0);

function ensure(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, cap * 2, 256);
  rc = new Uint16Array(cap);
  rs = new Int32Array(cap);
  re = new Int32Array(cap);
  rk = new Uint8Array(cap);
  ru = new Uint8Array(cap);
}

function ensureTokens(n: number): void {
  if (n <= tokCap) return;
  tokCap = Math.max(n, tokCap * 2, 128);
  tCs = new Int32Array(tokCap);
  tCe = new Int32Array(tokCap);
  tPre = new Uint8Array(tokCap);
  tSep = new Uint8Array(tokCap);
}

// Tokenizer state of the current call (module level so that endToken is not a per-call closure).
let n = 0;
let tokStart = 0;
let prefix = 0;
let sep = 0;
let nt = 0;

function endToken(): void {
  // Leading/trailing '!' and '|' are punctuation, not leetspeak ("connard!!!", "|bitch|").
  let cs = tokStart;
  let ce = n;
  while (cs < ce && rk[cs] === R_LEET && (rc[cs] === 33 || rc[cs] === 124)) cs++;
  while (ce > cs && rk[ce - 1] === R_LEET && (rc[ce - 1] === 33 || rc[ce - 1] === 124)) ce--;
  if (ce > cs) {
    tCs[nt] = cs;
    tCe[nt] = ce;
    tPre[nt] = prefix;
    tSep[nt] = sep;
    nt++;
    sep = 0;
  } else if (n > tokStart) sep |= SEP_CLAUSE;
  if (ce < n) sep |= SEP_CLAUSE;
  tokStart = n;
  prefix = 0;
}

function pushRaw(code: number, i: number, w: number, kind: number, upper: number): void {
  rc[n] = code;
  rs[n] = i;
  re[n] = i + w;
  rk[n] = kind;
  ru[n] = upper;
  n++;
}

/** Normalises `input` into the shared stream (see Stream) and returns it. */
export function normalizeStream(input: string): Stream {
  const len = input.length;
  ensure(len * 3 + 8);
  // Every token (and camelCase piece) holds at least one raw char.
  ensureTokens(len * 3 + 8);
  n = 0;
  tokStart = 0;
  prefix = 0;
  sep = 0;
  nt = 0;
  let urlAt = -1;
  let urlEnd = 0;
  let parens = 0;
  let parenAt = -2;
  stream.hasCodedSign = false;
  if (input.includes('http') || input.includes('www.')) {
    reUrl.lastIndex = 0;
    const u = reUrl.exec(input);
    if (u !== null) {
      urlAt = u.index;
      urlEnd = u.index + u[0].length;
    }
  }
  // Hot loop: arrays and the raw count in locals (module-level lets cost a context load each).
  const kc = rc;
  const ks = rs;
  const ke = re;
  const kk = rk;
  const ku = ru;
  const cls_ = FOLD_CLASS;
  const code_ = FOLD_CODE;
  let k = 0; // raw chars so far (mirrors n, which endToken reads)
  for (let i = 0; i < len;) {
    if (urlAt >= 0 && i >= urlAt) {
      // URLs are opaque (shortened links contain random letters): a plain separator.
      n = k;
      if (n > tokStart) endToken();
      sep |= SEP_SPACE;
      i = Math.max(i, urlEnd);
      const u = reUrl.exec(input);
      if (u === null) urlAt = -1;
      else {
        urlAt = u.index;
        urlEnd = u.index + u[0].length;
      }
      continue;
    }
    let cp = input.charCodeAt(i);
    let w = 1;
    let cls: number;
    let code: number;
    let upper: number;
    if (cp < 0xd800 || cp > 0xdbff || i + 1 >= len) {
      cls = cls_[cp] as number;
      if (cls === C_UNKNOWN) cls = learn(cp);
      code = code_[cp] as number;
      if (cls === C_LETTER) {
        // C_LETTER, the common case
        kc[k] = code;
        ks[k] = i;
        ke[k] = i + 1;
        kk[k] = R_LETTER;
        ku[k] = FOLD_UPPER[cp] as number;
        k++;
        i++;
        continue;
      }
      upper = FOLD_UPPER[cp] as number;
    } else {
      const lo = input.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        w = 2;
        if (isCodedHateSign(cp)) stream.hasCodedSign = true;
        const f = foldCodePoint(cp);
        cls = classOf(f);
        code = codeOf(f);
        upper = f.upper ? 1 : 0;
      } else {
        cls = cls_[cp] as number;
        if (cls === C_UNKNOWN) cls = learn(cp);
        code = code_[cp] as number;
        upper = FOLD_UPPER[cp] as number;
      }
    }
    n = k;
    switch (cls) {
      case C_LETTER:
        pushRaw(code, i, w, R_LETTER, upper);
        break;
      case C_MULTI: {
        const f = foldCodePoint(cp);
        for (let j = 0; j < f.out.length; j++) pushRaw(f.out.charCodeAt(j), i, w, R_LETTER, upper);
        break;
      }
      case C_OTHER_LETTER:
        pushRaw(95, i, w, R_OTHER, 0); // '_': a word character no term contains
        break;
      case C_DIGIT:
        pushRaw(code, i, w, R_DIGIT, 0);
        break;
      case C_LEET:
        pushRaw(code, i, w, R_LEET, 0);
        break;
      case C_STAR:
        pushRaw(code, i, w, R_STAR, 0);
        break;
      case C_AT:
      case C_HASH:
        if (n === tokStart && prefix === 0) prefix = cls === C_AT ? 64 : 35;
        else if (cls === C_AT) pushRaw(64, i, w, R_LEET, 0);
        else {
          endToken();
          sep |= SEP_SPACE;
        }
        break;
      case C_IGNORE:
        break; // zero-width characters inside a word do not split it
      default: // C_SEP: `code` holds the separator flags
        if (cp === 40) {
          // "(((": the echo, a sign of coded hate (coded-hate.ts).
          parens = parenAt === i - 1 ? parens + 1 : 1;
          parenAt = i;
          if (parens >= 3) stream.hasCodedSign = true;
        }
        if (n > tokStart) endToken();
        else {
          prefix = 0;
          // A second space in a row: a wide gap (see emit() in stream-writer.ts).
          if (code & SEP_SPACE && sep & SEP_SPACE) sep |= SEP_WIDE;
        }
        // Quotation marks alternate: two between tokens close one quotation and open the next.
        if (code & SEP_QUOTE && sep & SEP_QUOTE) sep |= SEP_QUOTE_TWICE;
        sep |= code;
    }
    k = n;
    i += w;
  }
  n = k;
  if (n > tokStart) endToken();
  splitCamel(nt, tCs, tCe, tPre, tSep, ru, rk);
  emit(n, sep, len, rc, rs, re, rk);
  return stream;
}

/** Normalises `input`: views on the shared buffers plus the stream as a string. */
export function normalize(input: string): Normalized {
  const s = normalizeStream(input);
  return {
    text: streamText(s),
    start: s.start.subarray(0, s.length),
    end: s.end.subarray(0, s.length),
    run: s.run.subarray(0, s.length),
    flags: s.flags.subarray(0, s.length),
    alt: s.hasAlt ? s.alt.subarray(0, s.length) : null,
  };
}
