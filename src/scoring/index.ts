// Public surface of the hostility scorer (a pure module: no I/O except reading its lexicons).
export { CATEGORIES, LEVELS, levelAtLeast } from './types.ts';
export type { Category, Level, Match, ScoreResult, Scorer, Severity, WatchScoringOptions } from './types.ts';
export { createScorer, scorerVersion } from './scorer.ts';
export { maskMatches } from './mask.ts';
export { runScoreStream } from './score-stream.ts';
export { RULES_ONLY, WITH_LEARNED, type LearnedOptions } from './learned-model.ts';
