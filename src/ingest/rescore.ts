import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { ScorerCache } from './scorer-cache.ts';
import type { WatchConfig } from '../config/schema.ts';
import type { PiiGuard } from '../identity/pii.ts';
import { scorePost } from './poll-source.ts';

export interface RescoreDeps {
  posts: PostsRepo;
  watches: WatchesRepo;
  scorers: ScorerCache;
  pii?: { forWatch(watch: WatchConfig): Promise<PiiGuard> };
}

/**
 * Scores again every post of a watch whose stored score came from another scorer version (a
 * changed lexicon, new custom words). Returns how many were rescored.
 */
export async function rescoreWatch(deps: RescoreDeps, watchId: string): Promise<number> {
  const watch = await deps.watches.get(watchId);
  if (!watch) throw new Error(`unknown watch "${watchId}"`);
  const scorer = deps.scorers.forWatch(watch.definition);
  // The private-information check is part of the score: a rescore must not drop doxxing marks.
  const pii = await deps.pii?.forWatch(watch.definition);
  let after = 0;
  let count = 0;
  for (;;) {
    const ids = await deps.posts.idsNeedingRescore(watchId, scorer.version, after, 500);
    if (ids.length === 0) return count;
    for (const post of await deps.posts.getMany(ids)) {
      const score = scorePost(post.text, post.lang, scorer, pii);
      // The new score and its custody-log event land together.
      await deps.posts.updateScoreRecorded(post.id, score, {
        type: 'scored',
        watchId,
        postId: post.id,
        data: {
          score: score.score,
          level: score.level,
          categories: score.categories,
          targeted: score.targeted,
          scorerVersion: score.version,
          rescore: true,
        },
      });
      count++;
    }
    after = ids[ids.length - 1]!;
  }
}
