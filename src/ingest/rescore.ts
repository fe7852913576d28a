import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { ScorerCache } from './scorer-cache.ts';

/**
 * Scores again every post of a watch whose stored score came from another scorer version (a
 * changed lexicon, new custom words). Returns how many were rescored.
 */
export function rescoreWatch(deps: { posts: PostsRepo; watches: WatchesRepo; scorers: ScorerCache }, watchId: string): number {
  const watch = deps.watches.get(watchId);
  if (!watch) throw new Error(`unknown watch "${watchId}"`);
  const scorer = deps.scorers.forWatch(watch.definition);
  let after = 0;
  let count = 0;
  for (;;) {
    const ids = deps.posts.idsNeedingRescore(watchId, scorer.version, after, 500);
    if (ids.length === 0) return count;
    for (const post of deps.posts.getMany(ids)) {
      const s = scorer.score(post.text, post.lang ?? undefined);
      deps.posts.updateScore(post.id, {
        score: s.score,
        level: s.level,
        hostile: s.hostile,
        categories: s.categories,
        matches: s.matches,
        targeted: s.targeted,
        version: s.version,
      });
      count++;
    }
    after = ids[ids.length - 1]!;
  }
}
