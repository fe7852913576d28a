// The names of hostility levels and abuse categories, in French and English: one vocabulary that
// the dashboard, the e-mails and the dossier share, so a post called "Menaces" in a mail is called
// "Menaces" on the page that mail links to. Typed against the scorer's ids, so a new level or
// category cannot ship without its words.
import type { Category, Level } from '../scoring/types.ts';

export type WordsLang = 'fr' | 'en';

/** A level as a label ("grave"), for one post or a filter. */
const LEVEL_NAMES: Record<WordsLang, Record<Level, string>> = {
  fr: { none: 'neutre', low: 'faible', medium: 'moyen', high: 'élevé', severe: 'grave' },
  en: { none: 'neutral', low: 'low', medium: 'medium', high: 'high', severe: 'severe' },
};

/** A level counting posts ("3 graves" — messages is masculine plural in French). */
const LEVEL_NAMES_PLURAL: Record<WordsLang, Record<Level, string>> = {
  fr: { none: 'neutres', low: 'faibles', medium: 'moyens', high: 'élevés', severe: 'graves' },
  en: LEVEL_NAMES.en,
};

const CATEGORY_NAMES: Record<WordsLang, Record<Category, string>> = {
  fr: {
    insult: 'Insultes',
    threat: 'Menaces',
    sexual_harassment: 'Harcèlement sexuel',
    suicide_incitement: 'Incitation au suicide',
    hate: 'Haine',
    doxxing_language: 'Appels à divulguer des informations personnelles',
    profanity: 'Grossièretés',
    doxxing: 'Informations personnelles exposées',
    impersonation: 'Usurpation d’identité',
  },
  en: {
    insult: 'Insults',
    threat: 'Threats',
    sexual_harassment: 'Sexual harassment',
    suicide_incitement: 'Incitement to suicide',
    hate: 'Hate',
    doxxing_language: 'Calls to expose personal information',
    profanity: 'Profanity',
    doxxing: 'Personal information exposed',
    impersonation: 'Impersonation',
  },
};

/** Every level's label in `lang`, keyed by id (a copy: callers may not change the vocabulary). */
export function levelNames(lang: WordsLang, plural = false): Record<string, string> {
  return { ...(plural ? LEVEL_NAMES_PLURAL : LEVEL_NAMES)[lang] };
}

/** Every category's label in `lang`, keyed by id. */
export function categoryNames(lang: WordsLang): Record<string, string> {
  return { ...CATEGORY_NAMES[lang] };
}

/** One level's label; an id from an older or newer scorer shows as itself rather than nothing. */
export function levelName(lang: WordsLang, level: string): string {
  return (LEVEL_NAMES[lang] as Record<string, string>)[level] ?? level;
}

/** One category's label; an unknown id shows as itself. */
export function categoryName(lang: WordsLang, category: string): string {
  return (CATEGORY_NAMES[lang] as Record<string, string>)[category] ?? category;
}
