// Lexicons are data files (lexicons/*.tsv): one entry per line,
//   term-pattern <TAB> lang <TAB> category <TAB> severity <TAB> needs-target <TAB> flags
// A pattern may hold groups "(a|b|)" (an empty alternative makes the group optional), expanded
// here into every combination, so that "connard(|e)(|s)" or "(je|on) va(|is) te (tuer|buter)"
// stay one readable, reviewable line.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { normalize } from './normalize.ts';
import { isKeyChar } from './matcher.ts';
import { engineHash, PREBUILT_FILE, readPrebuilt, type Prebuilt } from './prebuilt.ts';
import { CATEGORIES, type Category, type Lang } from './types.ts';
import type {
  BaseLexicon,
  LexiconEntry,
  ParsedLexicon,
  PrebuiltAutomaton,
  Variant,
} from './lexicon-types.ts';

export type {
  BaseLexicon,
  LexiconEntry,
  ParsedLexicon,
  PrebuiltAutomaton,
  Variant,
} from './lexicon-types.ts';

const CATEGORY_SET: ReadonlySet<string> = new Set<string>(CATEGORIES);

const MAX_EXPANSIONS = 8192;

/** Expand "(a|b|)" groups (nested allowed) into every combination. */
export function expandPattern(pattern: string): string[] {
  let pos = 0;
  const cap = (forms: string[]): string[] => {
    if (forms.length > MAX_EXPANSIONS) throw new Error(`pattern expands to too many forms: ${pattern}`);
    return forms;
  };
  // alternatives := sequence ('|' sequence)*
  const alternatives = (): string[] => {
    const forms = [...sequence()];
    while (pattern[pos] === '|') {
      pos++;
      forms.push(...sequence());
    }
    return cap(forms);
  };
  // sequence := (literal | '(' alternatives ')')*
  const sequence = (): string[] => {
    let forms = [''];
    while (pos < pattern.length && pattern[pos] !== '|' && pattern[pos] !== ')') {
      let parts: string[];
      if (pattern[pos] === '(') {
        pos++;
        parts = alternatives();
        if (pattern[pos] !== ')') throw new Error(`unbalanced parenthesis in ${pattern}`);
        pos++;
      } else {
        const start = pos;
        while (pos < pattern.length && !'()|'.includes(pattern[pos] as string)) pos++;
        parts = [pattern.slice(start, pos)];
      }
      const next: string[] = [];
      for (const f of forms) for (const p of parts) next.push(f + p);
      forms = cap(next);
    }
    return forms;
  };
  const all = alternatives();
  if (pos !== pattern.length) throw new Error(`unbalanced parenthesis in ${pattern}`);
  return [...new Set(all.map((r) => r.replace(/\s+/g, ' ').trim()).filter((r) => r.length > 0))];
}

/** Normalise a term the same way as the text, so obfuscation handling applies to both sides. */
export function toVariant(form: string, entry: LexiconEntry): Variant | null {
  const n = normalize(form);
  const key = n.text;
  if (key.length === 0) return null;
  for (let i = 0; i < key.length; i++) if (!isKeyChar(key.charCodeAt(i))) return null;
  return { form, key, repeats: repeatsOf(n.run), entry };
}

/** The (index, run) pairs of a key's repeated letters ("connasse": n×2, s×2). */
export function repeatsOf(runs: ArrayLike<number>): Uint16Array | null {
  const pairs: number[] = [];
  for (let k = 0; k < runs.length; k++) if ((runs[k] as number) > 1) pairs.push(k, runs[k] as number);
  return pairs.length === 0 ? null : Uint16Array.from(pairs);
}

export function parseLexicon(source: string, fileLang?: Lang): ParsedLexicon {
  return parseLexiconLines(source, fileLang, true);
}

/**
 * The entries of a lexicon file and, when `expand`, their variants. Without expansion (the
 * prebuilt automaton holds the variants) only the lines' own format is checked.
 */
function parseLexiconLines(source: string, fileLang: Lang | undefined, expand: boolean): ParsedLexicon {
  const entries: LexiconEntry[] = [];
  const variants: Variant[] = [];
  const errors: string[] = [];
  // Repeat patterns are few (about 1 400 for 60 000 variants): one shared array per pattern.
  const patterns = new Map<string, Uint16Array>();
  source.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    const [term, lang, category, sev, target, flags = ''] = cols;
    const severity = Number(sev);
    if (
      term === undefined ||
      (lang !== 'fr' && lang !== 'en') ||
      !CATEGORY_SET.has(category ?? '') ||
      (severity !== 1 && severity !== 2 && severity !== 3) ||
      (target !== 'yes' && target !== 'no')
    ) {
      errors.push(`line ${i + 1}: malformed entry: ${line}`);
      return;
    }
    if (fileLang !== undefined && lang !== fileLang)
      errors.push(`line ${i + 1}: language ${lang} in ${fileLang} file`);
    const flagSet = new Set(flags.split(',').map((f) => f.trim()));
    const entry: LexiconEntry = {
      term: term.trim(),
      lang,
      category: category as Category,
      severity,
      needsTarget: target === 'yes',
      mono: flagSet.has('mono'),
      exact: flagSet.has('exact'),
      group: flagSet.has('group'),
      meet: flagSet.has('meet'),
      address: flagSet.has('address'),
      benign: flagSet.has('benign'),
      callout: flagSet.has('callout'),
    };
    entries.push(entry);
    if (!expand) return;
    try {
      for (const form of expandPattern(entry.term)) {
        const v = toVariant(form, entry);
        if (v === null)
          errors.push(`line ${i + 1}: form ${JSON.stringify(form)} normalises to nothing matchable`);
        else {
          if (v.repeats !== null) {
            const id = String(v.repeats);
            const shared = patterns.get(id);
            if (shared === undefined) patterns.set(id, v.repeats);
            else v.repeats = shared;
          }
          variants.push(v);
        }
      }
    } catch (e) {
      errors.push(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return { entries, variants, errors };
}

const LEXICON_FILES: readonly Lang[] = ['fr', 'en'];

let base: BaseLexicon | null = null;

/** The lexicon files' bytes, in order. */
function readSources(): { lang: Lang; source: string }[] {
  return LEXICON_FILES.map((lang) => {
    const url = new URL(`./lexicons/${lang}.tsv`, import.meta.url);
    return { lang, source: readFileSync(fileURLToPath(url), 'utf8') };
  });
}

/** What a prebuilt file must have been built from: the lexicon sources and the engine's code (engineHash()). */
export function prebuiltKey(sources: readonly { lang: Lang; source: string }[]): Uint8Array {
  const h = createHash('sha256').update('vigie-prebuilt\u0000').update(engineHash());
  for (const { lang, source } of sources) h.update(`${lang}\u0000`).update(source).update('\u0000');
  return h.digest();
}

/** The key of a prebuilt file for the shipped lexicons as they are now. */
export function basePrebuiltKey(): Uint8Array {
  return prebuiltKey(readSources());
}

/**
 * The shipped French and English lexicons, read once per process. Their variants and automaton
 * come from the prebuilt file (tools/build-automaton.ts) when it matches the sources; otherwise
 * (missing, stale, refused, or VIGIE_PREBUILT=0) they are expanded and built in process.
 */
export function loadBaseLexicon(): BaseLexicon {
  base ??= buildBaseLexicon(process.env.VIGIE_PREBUILT !== '0');
  return base;
}

/** The base lexicon, from the prebuilt file when `usePrebuilt` and it fits, else expanded here. */
export function buildBaseLexicon(usePrebuilt: boolean, file: string = PREBUILT_FILE): BaseLexicon {
  const sources = readSources();
  const hash = createHash('sha256');
  for (const { source } of sources) hash.update(source);
  const digest = hash.digest('hex');
  let source = 'disabled';
  if (usePrebuilt) {
    const all = parseAll(sources, false);
    const loaded = loadPrebuiltLexicon(file, prebuiltKey(sources), all.entries);
    if (typeof loaded !== 'string') {
      // The file holds every error of the full parse, in its order (the sources are the same).
      return {
        entries: all.entries,
        variants: loaded.variants,
        errors: loaded.errors,
        hash: digest,
        automaton: loaded.automaton,
        source: 'prebuilt',
      };
    }
    source = loaded;
  }
  return { ...parseAll(sources, true), hash: digest, automaton: null, source };
}

function parseAll(sources: readonly { lang: Lang; source: string }[], expand: boolean): ParsedLexicon {
  const all: ParsedLexicon = { entries: [], variants: [], errors: [] };
  for (const { lang, source } of sources) {
    const parsed = parseLexiconLines(source, lang, expand);
    // Loops, not push(...spread): a spread of 100k+ variants overflows the call stack.
    for (const e of parsed.entries) all.entries.push(e);
    for (const v of parsed.variants) all.variants.push(v);
    for (const e of parsed.errors) all.errors.push(`${lang}.tsv ${e}`);
  }
  return all;
}

/** Variants checked against toVariant() on load: a change in normalisation makes the file stale. */
const SELF_CHECKS = 256;

/** The prebuilt variants and automaton, or why they cannot be used. */
function loadPrebuiltLexicon(
  file: string,
  key: Uint8Array,
  entries: readonly LexiconEntry[],
): { variants: Variant[]; errors: string[]; automaton: PrebuiltAutomaton } | string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    return 'missing';
  }
  let p: Prebuilt;
  try {
    p = readPrebuilt(bytes);
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
  if (!sameBytes(p.key, key)) return 'stale';
  if (p.nEntries !== entries.length) return 'stale';
  const keys: string[] = new Array<string>(p.keyStart.length - 1);
  for (let k = 0; k < keys.length; k++) keys[k] = p.keyText.slice(p.keyStart[k], p.keyStart[k + 1]);
  const n = p.variantEntry.length;
  const patterns: Uint16Array[] = [];
  for (let k = 0; k + 1 < p.repStart.length; k++)
    patterns.push(p.repData.slice(p.repStart[k], p.repStart[k + 1]));
  const variants: Variant[] = new Array<Variant>(n);
  for (let i = 0; i < n; i++) {
    const r = p.repOf[i] as number;
    const key = keys[p.variantKey[i] as number] as string;
    const f0 = p.formStart[i] as number;
    const f1 = p.formStart[i + 1] as number;
    variants[i] = {
      form: f0 === f1 ? key : p.formText.slice(f0, f1),
      key,
      // Shared by the variants with the same pattern: nothing writes into a variant's repeats.
      repeats: r < 0 ? null : (patterns[r] as Uint16Array),
      entry: entries[p.variantEntry[i] as number] as LexiconEntry,
    };
  }
  const step = Math.max(1, Math.floor(n / SELF_CHECKS));
  for (let i = 0; i < n; i += step) {
    const v = variants[i] as Variant;
    const fresh = toVariant(v.form, v.entry);
    if (fresh === null || fresh.key !== v.key || String(fresh.repeats) !== String(v.repeats)) return 'stale';
  }
  return { variants, errors: p.errors, automaton: { tables: p.tables, keyOf: p.variantKey, keys } };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
