// The prebuilt automaton (src/scoring/prebuilt.ts): what a process loads from the file must find
// exactly what a freshly built automaton finds, and a file that does not fit (missing, stale,
// corrupt, truncated) must never break start-up: the lexicon is then expanded in process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basePrebuiltKey, buildBaseLexicon, type Variant } from '../../src/scoring/lexicon.ts';
import {
  encodeLexicon,
  engineSources,
  PrebuiltError,
  readPrebuilt,
  writePrebuilt,
} from '../../src/scoring/prebuilt.ts';
import { baseTermMatcher, type Hit } from '../../src/scoring/term-matcher.ts';
import { normalizeStream } from '../../src/scoring/normalize.ts';
import { loadLabelled } from './labelled.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigie-prebuilt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fresh = buildBaseLexicon(false);
const bytes = encodeLexicon(fresh, basePrebuiltKey());
const file = path.join(dir, 'automaton.bin');
writeFileSync(file, bytes);
const loaded = buildBaseLexicon(true, file);

function writeVariant(name: string, data: Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, data);
  return f;
}

const described = (v: Variant): string =>
  `${v.form}\t${v.key}\t${v.repeats === null ? '-' : String(v.repeats)}\t${v.entry.term}\t${v.entry.lang}`;

const fixtures = ['labelled.tsv', 'heldout.tsv', 'probes-tuned.tsv', 'probes-blind.tsv'].flatMap((f) =>
  loadLabelled(f).map((l) => l.text),
);

describe('prebuilt automaton', () => {
  it('loads the same entries, variants and errors as the in-process expansion', () => {
    expect(loaded.source).toBe('prebuilt');
    expect(loaded.automaton).not.toBeNull();
    expect(loaded.hash).toBe(fresh.hash);
    expect(loaded.errors).toEqual(fresh.errors);
    expect(loaded.entries).toEqual(fresh.entries);
    expect(loaded.variants.length).toBe(fresh.variants.length);
    expect(loaded.variants.map(described)).toEqual(fresh.variants.map(described));
    // Each variant points at the entry of the same line.
    const index = new Map(loaded.entries.map((e, i) => [e, i]));
    const freshIndex = new Map(fresh.entries.map((e, i) => [e, i]));
    expect(loaded.variants.map((v) => index.get(v.entry))).toEqual(
      fresh.variants.map((v) => freshIndex.get(v.entry)),
    );
  });

  it('finds exactly what a freshly built automaton finds, on every fixture text in several settings', () => {
    expect(fixtures.length).toBeGreaterThan(500);
    const built = baseTermMatcher(fresh);
    const read = baseTermMatcher(loaded);
    expect(read.keyCount).toBe(built.keyCount);
    expect(read.stateCount).toBe(built.stateCount);
    const settings = [
      (t: string) => t,
      (t: string) => t.toUpperCase(),
      // Glued hashtags walk the trie inside words; leet and stars take the ambiguous paths.
      (t: string) => `#${t.replace(/[\s'’]+/g, '')}`,
      (t: string) => t.replace(/i/g, '1').replace(/o/g, '0').replace(/e/g, '3'),
      (t: string) => t.replace(/([a-z])[aeiou]([a-z])/g, '$1*$2'),
      (t: string) => t.split('').join(' '),
    ];
    const show = (hits: Hit[]): string[] => hits.map((h) => `${h.s}-${h.e} ${described(h.variant)}`);
    let found = 0;
    for (const make of settings) {
      for (const text of fixtures) {
        const t = make(text);
        expect(read.mayMatch(t)).toBe(built.mayMatch(t));
        const a: Hit[] = [];
        const b: Hit[] = [];
        built.find(normalizeStream(t), a);
        read.find(normalizeStream(t), b);
        expect(show(b), t).toEqual(show(a));
        found += a.length;
      }
    }
    expect(found).toBeGreaterThan(1000);
  });

  it('is keyed by the code that makes variants and tables, not only by the lexicon files', () => {
    const names = engineSources().map((s) => s.name);
    for (const name of [
      'lexicon',
      'normalize',
      'stream-writer',
      'fold',
      'matcher',
      'ac-tables',
      'term-matcher',
    ])
      expect(names).toContain(name);
    expect(names).not.toContain('scorer');
  });

  it('falls back to building in process when the file is missing', () => {
    const l = buildBaseLexicon(true, path.join(dir, 'nowhere.bin'));
    expect(l.source).toBe('missing');
    expect(l.automaton).toBeNull();
    expect(l.variants.length).toBe(fresh.variants.length);
  });

  it('falls back when the file was built from other lexicon sources (stale)', () => {
    const p = readPrebuilt(bytes);
    const key = p.key.slice();
    key[0] = (key[0] as number) ^ 0xff;
    const l = buildBaseLexicon(true, writeVariant('stale.bin', writePrebuilt({ ...p, key })));
    expect(l.source).toBe('stale');
    expect(l.automaton).toBeNull();
    expect(l.variants.map(described)).toEqual(fresh.variants.map(described));
  });

  it('falls back when a variant no longer normalises to its stored key (normalisation changed)', () => {
    const p = readPrebuilt(bytes);
    const keyText = `${p.keyText[0] === 'a' ? 'b' : 'a'}${p.keyText.slice(1)}`;
    const l = buildBaseLexicon(true, writeVariant('drift.bin', writePrebuilt({ ...p, keyText })));
    expect(l.source).toBe('stale');
  });

  it('refuses a corrupt file (checksum) and falls back', () => {
    const corrupt = bytes.slice();
    const at = Math.floor(corrupt.length / 2);
    corrupt[at] = (corrupt[at] as number) ^ 0x5a;
    expect(() => readPrebuilt(corrupt)).toThrow(/corrupt: checksum/);
    const l = buildBaseLexicon(true, writeVariant('corrupt.bin', corrupt));
    expect(l.source).toMatch(/^refused: .*corrupt/);
    expect(l.variants.length).toBe(fresh.variants.length);
  });

  it('refuses tables that would make the scan loop or read out of bounds, even with a valid checksum', () => {
    const p = readPrebuilt(bytes);
    const fail = p.tables.fail.slice();
    fail[fail.length - 1] = fail.length - 1; // a failure link to itself: deepStep would never end
    expect(() => readPrebuilt(writePrebuilt({ ...p, tables: { ...p.tables, fail } }))).toThrow(
      /failure links/,
    );
    const cChar = p.tables.cChar.slice();
    cChar[0] = 200;
    expect(() => readPrebuilt(writePrebuilt({ ...p, tables: { ...p.tables, cChar } }))).toThrow(/children/);
    const cStart = p.tables.cStart.slice();
    cStart[cStart.length - 1] = cStart.length + 5; // a child slot beyond the last state
    expect(() => readPrebuilt(writePrebuilt({ ...p, tables: { ...p.tables, cStart } }))).toThrow(/offsets/);
    const variantKey = p.variantKey.slice();
    variantKey[3] = -2;
    expect(() => readPrebuilt(writePrebuilt({ ...p, variantKey }))).toThrow(/variant indices/);
  });

  it('refuses a truncated file with a clear error, and start-up falls back instead of crashing', () => {
    for (const len of [0, 10, 71, 1000, bytes.length >> 1, bytes.length - 1]) {
      const cut = bytes.slice(0, len);
      expect(() => readPrebuilt(cut)).toThrow(PrebuiltError);
      expect(() => readPrebuilt(cut)).toThrow(len < 8 ? /truncated|magic/ : /truncated/);
    }
    const l = buildBaseLexicon(true, writeVariant('truncated.bin', bytes.slice(0, bytes.length - 4096)));
    expect(l.source).toMatch(/^refused: prebuilt automaton refused: truncated: \d+ of \d+ bytes$/);
    expect(l.automaton).toBeNull();
    expect(l.variants.length).toBe(fresh.variants.length);
  });

  it('reads a file whose bytes do not start on an aligned offset (a pooled Buffer)', () => {
    const shifted = Buffer.alloc(bytes.length + 3);
    shifted.set(bytes, 3);
    const p = readPrebuilt(shifted.subarray(3));
    expect(p.tables.fail.length).toBe(readPrebuilt(bytes).tables.fail.length);
    expect(() => readPrebuilt(Buffer.from(shifted.subarray(3, 1003)))).toThrow(/truncated/);
  });

  it('refuses a file that is not one', () => {
    expect(() => readPrebuilt(new TextEncoder().encode('fr\tinsult\t1\tno\n'.repeat(20)))).toThrow(
      /bad magic/,
    );
  });
});
