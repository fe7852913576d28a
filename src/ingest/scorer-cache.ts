import {
  createScorer,
  RULES_ONLY,
  WITH_LEARNED,
  type Scorer,
  type WatchScoringOptions,
} from '../scoring/index.ts';
import type { WatchConfig } from '../config/schema.ts';

/** What the scorer needs to know of a watch: who is targeted, and the watch's own words. */
export function scoringOptionsFor(watch: WatchConfig): WatchScoringOptions {
  return {
    names: watch.names,
    handles: [...(watch.x?.handle ? [watch.x.handle] : []), ...watch.ownAccounts],
    extraTerms: watch.words.flag,
    neverFlag: watch.words.never,
  };
}

/** One scorer per watch, rebuilt only when the watch's scoring options change. */
export function createScorerCache(options: { learned: boolean } = { learned: false }) {
  const layers = options.learned ? WITH_LEARNED : RULES_ONLY;
  const cache = new Map<string, { key: string; scorer: Scorer }>();
  return {
    forWatch(watch: WatchConfig): Scorer {
      const watchOptions = scoringOptionsFor(watch);
      const key = JSON.stringify(watchOptions);
      const hit = cache.get(watch.id);
      if (hit && hit.key === key) return hit.scorer;
      const scorer = createScorer(watchOptions, layers);
      cache.set(watch.id, { key, scorer });
      return scorer;
    },
  };
}

export type ScorerCache = ReturnType<typeof createScorerCache>;
