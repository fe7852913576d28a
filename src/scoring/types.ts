// Public types of the hostility scorer. Other modules (evidence, digests, waves) code against these,
// so changes here are contract changes.

export type Level = 'none' | 'low' | 'medium' | 'high' | 'severe';

/** Levels in increasing order of hostility; index comparisons rely on this order. */
export const LEVELS: readonly Level[] = Object.freeze(['none', 'low', 'medium', 'high', 'severe'] as const);

export function levelAtLeast(level: Level, min: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

/**
 * Categories map to what French law punishes (injure, menaces, harcèlement sexuel, provocation au
 * suicide, provocation à la haine…). 'doxxing' and 'impersonation' are set by other modules.
 */
export const CATEGORIES = [
  'insult',
  'threat',
  'sexual_harassment',
  'suicide_incitement',
  'hate',
  'doxxing_language',
  'profanity',
  'doxxing',
  'impersonation',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type Severity = 1 | 2 | 3;

/** A lexicon hit; offsets are in the ORIGINAL text (UTF-16 code units, end exclusive). */
export interface Match {
  term: string;
  category: Category;
  severity: Severity;
  start: number;
  end: number;
}

export interface ScoreResult {
  score: number;
  level: Level;
  hostile: boolean;
  categories: Category[];
  matches: Match[];
  targeted: boolean;
  lang: 'fr' | 'en';
  version: string;
}

export interface WatchScoringOptions {
  names?: string[];
  handles?: string[];
  extraTerms?: { term: string; category: Category; severity: Severity }[];
  neverFlag?: string[];
}

export interface Scorer {
  readonly version: string;
  score(text: string, lang?: string): ScoreResult;
}

export type Lang = 'fr' | 'en';
