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
import { CATEGORIES, type Category, type Lang, type Severity } from './types.ts';

export interface LexiconEntry {
  /** The pattern line as written in the lexicon (shown in explanations). */
  term: string;
  lang: Lang;
  category: Category;
  severity: Severity;
  /** Counts only when aimed at someone (ambiguous words: "con", "crever", "idiot"). */
  needsTarget: boolean;
  /** Only in texts of its own language ("bite" is a French vulgarity and an English verb). */
  mono: boolean;
  /** No inflectional suffix allowed after the key. */
  exact: boolean;
  /** Counts only when predicated of a protected group ("migrants are vermin"): dehumanising nouns. */
  group: boolean;
  /** Also how friends arrange to meet ("we will find you there"): see meetingNotThreat(). */
  meet: boolean;
  /** A street word: counts only when it gives someone's home address (see addressGiven()). */
  address: boolean;
  /**
   * A harmless phrase that holds a listed word ("bad bitches", "chink in the armour", "une putain
   * de soirée"): it wins the longest-match choice over what it contains, then counts for nothing.
   */
  benign: boolean;
  /** A call to action ("à vous de jouer"): doxxing only when the post locates a person (calloutGiven()). */
  callout: boolean;
}

/** One normalised form of an entry: the automaton key and the minimum repeat counts of its letters. */
export interface Variant {
  /** The expanded surface form, shown as Match.term. */
  form: string;
  key: string;
  /** (index, minimum run) pairs for the key characters whose run is above 1, or null: most keys have none. */
  repeats: Uint16Array | null;
  entry: LexiconEntry;
}

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

export interface ParsedLexicon {
  entries: LexiconEntry[];
  variants: Variant[];
  errors: string[];
}

export function parseLexicon(source: string, fileLang?: Lang): ParsedLexicon {
  const entries: LexiconEntry[] = [];
  const variants: Variant[] = [];
  const errors: string[] = [];
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
    try {
      for (const form of expandPattern(entry.term)) {
        const v = toVariant(form, entry);
        if (v === null)
          errors.push(`line ${i + 1}: form ${JSON.stringify(form)} normalises to nothing matchable`);
        else variants.push(v);
      }
    } catch (e) {
      errors.push(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return { entries, variants, errors };
}

const LEXICON_FILES: readonly Lang[] = ['fr', 'en'];

export interface BaseLexicon extends ParsedLexicon {
  /** SHA-256 of the lexicon files' bytes: part of the scorer version. */
  hash: string;
}

let base: BaseLexicon | null = null;

/** The shipped French and English lexicons, read once per process. */
export function loadBaseLexicon(): BaseLexicon {
  if (base !== null) return base;
  const hash = createHash('sha256');
  const all: ParsedLexicon = { entries: [], variants: [], errors: [] };
  for (const lang of LEXICON_FILES) {
    const url = new URL(`./lexicons/${lang}.tsv`, import.meta.url);
    const source = readFileSync(fileURLToPath(url), 'utf8');
    hash.update(source);
    const parsed = parseLexicon(source, lang);
    // Loops, not push(...spread): a spread of 100k+ variants overflows the call stack.
    for (const e of parsed.entries) all.entries.push(e);
    for (const v of parsed.variants) all.variants.push(v);
    for (const e of parsed.errors) all.errors.push(`${lang}.tsv ${e}`);
  }
  base = { ...all, hash: hash.digest('hex') };
  return base;
}
