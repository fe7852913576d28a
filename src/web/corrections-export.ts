import { csvRow } from '../evidence/csv.ts';
import type { Correction } from './labels-repo.ts';

// The list of corrections for the lexicon maintainers, as CSV (spreadsheets) or JSON Lines (tools).
// Post text is attacker-written: CSV cells are quoted and defused by csvRow; JSON escapes line and
// direction-changing separators so a line stays one line in any viewer.

export const CORRECTION_FORMATS = ['csv', 'jsonl'] as const;
export type CorrectionFormat = (typeof CORRECTION_FORMATS)[number];

const iso = (ms: number) => new Date(ms).toISOString();

export function correctionItem(c: Correction) {
  return {
    postId: c.postId,
    watch: c.watchId,
    platform: c.platform,
    url: c.url,
    lang: c.lang,
    text: c.text,
    scorerLevel: c.scorerLevel,
    scorerScore: c.scorerScore,
    scorerCategories: c.scorerCategories,
    humanLabel: 'hostile',
    humanCategory: c.humanCategory,
    labelledBy: c.labelledBy,
    labelledAt: iso(c.labelledAt),
    lexiconVersion: c.lexiconVersion,
  };
}

const safeJson = (v: unknown) =>
  JSON.stringify(v).replace(
    /[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

export function correctionsText(list: readonly Correction[], format: CorrectionFormat): string {
  if (format === 'jsonl') return list.map((c) => `${safeJson(correctionItem(c))}\n`).join('');
  let out = `\uFEFF${csvRow([
    'post_id',
    'watch',
    'platform',
    'url',
    'lang',
    'text',
    'scorer_level',
    'scorer_score',
    'scorer_categories',
    'human_label',
    'human_category',
    'labelled_by',
    'labelled_at',
    'lexicon_version',
  ])}`;
  for (const c of list) {
    const i = correctionItem(c);
    out += csvRow([
      i.postId,
      i.watch,
      i.platform,
      i.url,
      i.lang,
      i.text,
      i.scorerLevel,
      i.scorerScore,
      i.scorerCategories.join(' '),
      i.humanLabel,
      i.humanCategory,
      i.labelledBy,
      i.labelledAt,
      i.lexiconVersion,
    ]);
  }
  return out;
}
