// The base lexicons' expanded variants and automaton, prebuilt into one binary file by
// tools/build-automaton.ts (`npm run build:automaton`, run by `npm run build` and `prepare`), so a
// process loads them as typed-array views instead of expanding ~100 000 forms and building the
// automaton at every start. lexicon.ts falls back to building in process when the file is missing,
// stale (built from other lexicon sources or another engine version) or refused (truncated,
// corrupt).
//
// Layout, little-endian:
//   0   magic "VIGIEAC1"
//   8   u32 format version
//   12  u32 section count
//   16  32 bytes: the key (prebuiltKey() in lexicon.ts: hash of the sources and engine versions)
//   48  u32 total file length
//   52  u32 CRC-32 of bytes [HEADER_END(count), end)
//   56  u32 nDense, u32 boundary, u32 entry count, u32 0
//   72  section table: per section, u32 byte offset and u32 byte length
//   then the sections, each at an offset that is a multiple of 8, in SECTIONS order.
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALPHA, type AcTables } from './ac-tables.ts';
import type { LexiconEntry, ParsedLexicon } from './lexicon-types.ts';

export type { PrebuiltAutomaton } from './lexicon-types.ts';
import { keyIds, TermMatcher } from './term-matcher.ts';

export const PREBUILT_FILE = fileURLToPath(new URL('./.prebuilt/automaton.bin', import.meta.url));

/** The modules whose code shapes the variants and the tables (with all they import, see engineHash()). */
const ENGINE_ROOTS = ['lexicon', 'term-matcher', 'prebuilt'];

/**
 * Hash of the code that turns lexicon lines into variants and tables: ENGINE_ROOTS and every
 * module of this directory they import, as the files of this tree (.ts under src/, .js under
 * dist/: each tree's file is built by its own code). Any edit to normalisation, expansion or the
 * automaton's construction makes a prebuilt file stale instead of silently wrong.
 */
export function engineHash(): Uint8Array {
  const hash = createHash('sha256');
  for (const { name, source } of engineSources())
    hash.update(`${name}\u0000`).update(source).update('\u0000');
  return hash.digest();
}

/** ENGINE_ROOTS and the modules of this directory they import, transitively, with their code. */
export function engineSources(): { name: string; source: string }[] {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const out: { name: string; source: string }[] = [];
  const seen = new Set<string>();
  const todo = [...ENGINE_ROOTS];
  for (let name = todo.shift(); name !== undefined; name = todo.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const source = readFileSync(fileURLToPath(new URL(`./${name}.${ext}`, import.meta.url)), 'utf8');
    out.push({ name, source });
    for (const m of source.matchAll(/(?:from|import)\s+'\.\/([\w-]+)\.(?:ts|js)'/g))
      todo.push(m[1] as string);
  }
  return out;
}

const MAGIC = 'VIGIEAC1';
const FORMAT = 2;
const KEY_BYTES = 32;
const TABLE_AT = 72;

/** The decoded file: plain arrays and views, turned into Variant objects by lexicon.ts. */
export interface Prebuilt {
  key: Uint8Array;
  nEntries: number;
  /** Per variant: index of its entry in the base lexicon's entries, and its key id. */
  variantEntry: Int32Array;
  variantKey: Int32Array;
  /** Form of variant i: formText[formStart[i] .. formStart[i + 1]) (UTF-16 units); empty: its key. */
  formStart: Int32Array;
  formText: string;
  /** Repeats of variant i: pattern repOf[i] (or -1: none), pattern k repData[repStart[k] .. repStart[k + 1]). */
  repOf: Int32Array;
  repStart: Int32Array;
  repData: Uint16Array;
  keyStart: Int32Array;
  keyText: string;
  /** Expansion errors of the sources, as loadBaseLexicon() reports them. */
  errors: string[];
  tables: AcTables;
}

type Kind = 'i32' | 'u8' | 'u16' | 'text';
const SECTIONS: readonly [string, Kind][] = [
  ['variantEntry', 'i32'],
  ['variantKey', 'i32'],
  ['formStart', 'i32'],
  ['formText', 'text'],
  ['repOf', 'i32'],
  ['repStart', 'i32'],
  ['repData', 'u16'],
  ['keyStart', 'i32'],
  ['keyText', 'text'],
  ['errors', 'text'],
  ['dense', 'i32'],
  ['cStart', 'i32'],
  ['cChar', 'u8'],
  ['fail', 'i32'],
  ['accept', 'u8'],
  ['out', 'i32'],
  ['dict', 'i32'],
  ['depth', 'i32'],
];
const WIDTH: Record<Kind, number> = { i32: 4, u8: 1, u16: 2, text: 1 };

/** A prebuilt file that cannot be read: truncated, corrupt, or of another format. */
export class PrebuiltError extends Error {
  constructor(message: string) {
    super(`prebuilt automaton refused: ${message}`);
    this.name = 'PrebuiltError';
  }
}

const align8 = (n: number): number => (n + 7) & ~7;

/** CRC-32 of the body (zlib.crc32 is in Node from 20.15; before, files carry and check 0). */
function checksum(bytes: Uint8Array): number {
  const f = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  return f === undefined ? 0 : f(bytes) >>> 0;
}

/**
 * The prebuilt file of a parsed lexicon: its variants (pointing into `lexicon.entries`), its
 * errors, and the automaton a TermMatcher builds over its keys. `key`: see prebuiltKey().
 */
export function encodeLexicon(lexicon: ParsedLexicon, key: Uint8Array): Uint8Array {
  const variants = lexicon.variants;
  const entryIndex = new Map<LexiconEntry, number>(lexicon.entries.map((e, i) => [e, i]));
  const { keys, keyOf } = keyIds(variants);
  const matcher = new TermMatcher(variants);
  const variantEntry = new Int32Array(variants.length);
  const formStart = new Int32Array(variants.length + 1);
  const repOf = new Int32Array(variants.length);
  // Repeat patterns are few ("n×2", "s×2"…): each is stored once and shared by its variants.
  const patterns = new Map<string, number>();
  const repStart: number[] = [0];
  const repData: number[] = [];
  variants.forEach((v, i) => {
    const e = entryIndex.get(v.entry);
    if (e === undefined) throw new Error(`variant ${JSON.stringify(v.form)} of no entry of the lexicon`);
    variantEntry[i] = e;
    // Half the forms are their own key ("connard"): stored once, as an empty form.
    formStart[i + 1] = (formStart[i] as number) + (v.form === v.key ? 0 : v.form.length);
    if (v.repeats === null) {
      repOf[i] = -1;
      return;
    }
    const id = String(v.repeats);
    let k = patterns.get(id);
    if (k === undefined) {
      k = patterns.size;
      patterns.set(id, k);
      for (const r of v.repeats) repData.push(r);
      repStart.push(repData.length);
    }
    repOf[i] = k;
  });
  const keyStart = new Int32Array(keys.length + 1);
  keys.forEach((k, i) => (keyStart[i + 1] = (keyStart[i] as number) + k.length));
  const bytes = writePrebuilt({
    key,
    nEntries: lexicon.entries.length,
    variantEntry,
    variantKey: keyOf,
    formStart,
    formText: variants.map((v) => (v.form === v.key ? '' : v.form)).join(''),
    repOf,
    repStart: Int32Array.from(repStart),
    repData: Uint16Array.from(repData),
    keyStart,
    keyText: keys.join(''),
    errors: lexicon.errors,
    tables: matcher.tables,
  });
  readPrebuilt(bytes); // never write what the loader would refuse
  return bytes;
}

/** The file's bytes. */
export function writePrebuilt(p: Prebuilt): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [name, kind] of SECTIONS) {
    const value =
      name === 'errors' ? JSON.stringify(p.errors) : (p as unknown as Record<string, unknown>)[name];
    const v = value ?? (p.tables as unknown as Record<string, unknown>)[name];
    if (kind === 'text') parts.push(enc.encode(v as string));
    else {
      const a = v as Int32Array | Uint8Array | Uint16Array;
      parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
  }
  let at = align8(TABLE_AT + 8 * SECTIONS.length);
  const offsets: number[] = [];
  for (const part of parts) {
    offsets.push(at);
    at = align8(at + part.length);
  }
  const bytes = new Uint8Array(at);
  const view = new DataView(bytes.buffer);
  bytes.set(enc.encode(MAGIC), 0);
  view.setUint32(8, FORMAT, true);
  view.setUint32(12, SECTIONS.length, true);
  bytes.set(p.key, 16);
  view.setUint32(48, bytes.length, true);
  view.setUint32(56, p.tables.nDense, true);
  view.setUint32(60, p.tables.boundary, true);
  view.setUint32(64, p.nEntries, true);
  parts.forEach((part, k) => {
    view.setUint32(TABLE_AT + 8 * k, offsets[k] as number, true);
    view.setUint32(TABLE_AT + 8 * k + 4, part.length, true);
    bytes.set(part, offsets[k] as number);
  });
  view.setUint32(52, checksum(bytes.subarray(TABLE_AT)), true);
  return bytes;
}

/**
 * Decodes a prebuilt file: typed-array views on its bytes, no per-key rebuilding. Throws a
 * PrebuiltError for a truncated, corrupt or foreign file; whether it is stale is the caller's
 * question (compare `key`).
 */
export function readPrebuilt(input: Uint8Array): Prebuilt {
  // Views need aligned offsets: a file read into a pooled buffer is copied once (new Uint8Array
  // copies; a Buffer's slice() would not).
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  if (bytes.length < TABLE_AT) throw new PrebuiltError(`truncated: ${bytes.length} bytes, not even a header`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  if (dec.decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new PrebuiltError('not a prebuilt automaton (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(8, true);
  if (format !== FORMAT) throw new PrebuiltError(`format ${format}, expected ${FORMAT}`);
  const count = view.getUint32(12, true);
  if (count !== SECTIONS.length) throw new PrebuiltError(`${count} sections, expected ${SECTIONS.length}`);
  const total = view.getUint32(48, true);
  if (bytes.length < total) throw new PrebuiltError(`truncated: ${bytes.length} of ${total} bytes`);
  if (bytes.length > total) throw new PrebuiltError(`${bytes.length - total} bytes after its end`);
  if (checksum(bytes.subarray(TABLE_AT)) !== view.getUint32(52, true))
    throw new PrebuiltError('corrupt: checksum mismatch');
  const sec: Record<string, Int32Array | Uint8Array | Uint16Array | string> = {};
  SECTIONS.forEach(([name, kind], k) => {
    const off = view.getUint32(TABLE_AT + 8 * k, true);
    const len = view.getUint32(TABLE_AT + 8 * k + 4, true);
    if (off % 8 !== 0 || off + len > total || len % WIDTH[kind] !== 0)
      throw new PrebuiltError(`corrupt: section ${name} out of bounds`);
    const at = bytes.byteOffset + off;
    if (kind === 'text') sec[name] = dec.decode(bytes.subarray(off, off + len));
    else if (kind === 'i32') sec[name] = new Int32Array(bytes.buffer, at, len / 4);
    else if (kind === 'u16') sec[name] = new Uint16Array(bytes.buffer, at, len / 2);
    else sec[name] = new Uint8Array(bytes.buffer, at, len);
  });
  let errors: string[];
  try {
    errors = JSON.parse(sec.errors as string) as string[];
  } catch {
    throw new PrebuiltError('corrupt: error list');
  }
  const tables: AcTables = {
    dense: sec.dense as Int32Array,
    nDense: view.getUint32(56, true),
    cStart: sec.cStart as Int32Array,
    cChar: sec.cChar as Uint8Array,
    fail: sec.fail as Int32Array,
    accept: sec.accept as Uint8Array,
    out: sec.out as Int32Array,
    dict: sec.dict as Int32Array,
    depth: sec.depth as Int32Array,
    boundary: view.getUint32(60, true),
  };
  const p: Prebuilt = {
    key: bytes.slice(16, 16 + KEY_BYTES),
    nEntries: view.getUint32(64, true),
    variantEntry: sec.variantEntry as Int32Array,
    variantKey: sec.variantKey as Int32Array,
    formStart: sec.formStart as Int32Array,
    formText: sec.formText as string,
    repOf: sec.repOf as Int32Array,
    repStart: sec.repStart as Int32Array,
    repData: sec.repData as Uint16Array,
    keyStart: sec.keyStart as Int32Array,
    keyText: sec.keyText as string,
    errors,
    tables,
  };
  checkShape(p);
  return p;
}

/**
 * Bounds of every index the matcher follows, and failure and output chains that climb towards the
 * root: a file that passes cannot make the scan read out of bounds or loop.
 */
function checkShape(p: Prebuilt): void {
  const t = p.tables;
  const n = t.fail.length;
  const bad = (what: string): never => {
    throw new PrebuiltError(`corrupt: ${what}`);
  };
  const nVariants = p.variantEntry.length;
  const nKeys = p.keyStart.length - 1;
  if (
    n < 2 ||
    p.variantKey.length !== nVariants ||
    p.formStart.length !== nVariants + 1 ||
    p.repOf.length !== nVariants ||
    nKeys < 0 ||
    t.nDense < 1 ||
    t.nDense > n ||
    t.dense.length !== t.nDense * ALPHA ||
    t.cStart.length !== n + 1 ||
    t.cChar.length !== n - 1 ||
    t.accept.length !== n ||
    t.out.length !== n ||
    t.dict.length !== n ||
    t.depth.length !== n ||
    t.boundary <= 0 ||
    t.boundary >= n
  )
    bad('table sizes');
  for (let i = 0; i < nVariants; i++) {
    const e = p.variantEntry[i] as number;
    const k = p.variantKey[i] as number;
    const r = p.repOf[i] as number;
    if (e < 0 || e >= p.nEntries || k < 0 || k >= nKeys || r < -1 || r >= p.repStart.length - 1)
      bad('variant indices');
  }
  ascending(p.formStart, p.formText.length, bad);
  ascending(p.repStart, p.repData.length, bad);
  ascending(p.keyStart, p.keyText.length, bad);
  ascending(t.cStart, t.cChar.length, bad);
  for (let i = 0; i < t.dense.length; i++) {
    const s = t.dense[i] as number;
    if (s < 0 || s >= n) bad('dense row');
  }
  for (let i = 0; i < t.cChar.length; i++) if ((t.cChar[i] as number) >= ALPHA) bad('children');
  const depth = t.depth;
  if (depth[0] !== 0) bad('root depth');
  for (let s = 1; s < n; s++) {
    const d = depth[s] as number;
    const f = t.fail[s] as number;
    const o = t.dict[s] as number;
    const k = t.out[s] as number;
    if (f < 0 || f >= n || (depth[f] as number) >= d) bad('failure links');
    if (o < 0 || o >= n || (o !== 0 && ((depth[o] as number) >= d || (t.out[o] as number) < 0)))
      bad('output links');
    if (k < -1 || k >= nKeys) bad('outputs');
  }
}

function ascending(starts: Int32Array, end: number, bad: (what: string) => never): void {
  if (starts.length === 0 || starts[0] !== 0 || starts[starts.length - 1] !== end) bad('offsets');
  for (let i = 1; i < starts.length; i++)
    if ((starts[i] as number) < (starts[i - 1] as number)) bad('offsets');
}
