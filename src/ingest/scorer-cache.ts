import { createScorer, type Scorer, type WatchScoringOptions } from '../scoring/index.ts';
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
export function createScorerCache() {
  const cache = new Map<string, { key: string; scorer: Scorer }>();
  return {
    forWatch(watch: WatchConfig): Scorer {
      const options = scoringOptionsFor(watch);
      const key = JSON.stringify(options);
      const hit = cache.get(watch.id);
      if (hit && hit.key === key) return hit.scorer;
      const scorer = createScorer(options);
      cache.set(watch.id, { key, scorer });
      return scorer;
    },
  };
}

export type ScorerCache = ReturnType<typeof createScorerCache>;
