import { createRedditClient } from './reddit-adapter.ts';
import { isRecord, str } from '../social-http.ts';
import {
  checkKnobs,
  groupBy,
  warnUnclear,
  type DuePost,
  type PlatformCheckContext,
  type Verdict,
} from '../deletion-common.ts';

// Reddit deletions, through `GET /api/info?id=t3_…,t1_…` (up to 100 fullnames a call) with the
// same app-only OAuth token, API base and User-Agent as the Reddit source (anonymous JSON is
// blocked). A removed or deleted thing still answers 200 on reddit.com, with "[removed]" or
// "[deleted]" in place of its text; /api/info says which:
// - `removed_by_category` set: "deleted" (by its author), "moderator" (the subreddit's
//   moderators), "reddit", "anti_evil_ops", … (Reddit itself). "automod_filtered" is a thing held
//   for the moderators' review, not a removal yet: unclear.
// - comments carry no category: author "[deleted]" with body "[deleted]" (deleted by its author)
//   or "[removed]" (removed by moderators). An author "[deleted]" alone is a deleted ACCOUNT whose
//   posts stay online: present.
// - a fullname missing from a 200 answer: deleted — with the caveat, in the detail, that things
//   of private or banned subreddits are missing too.

/** /api/info takes at most 100 fullnames. */
export const INFO_BATCH = 100;
const FULLNAME = /^t[13]_[0-9a-z]{1,13}$/;
const BY_REDDIT = new Set([
  'reddit',
  'anti_evil_ops',
  'community_ops',
  'legal_operations',
  'copyright_takedown',
  'content_takedown',
]);

/** What /api/info says of one thing: a verdict, or undefined when unclear. */
export function judgeThing(thing: unknown): Verdict | undefined {
  if (thing === undefined)
    return {
      kind: 'deleted',
      detail: 'absent from /api/info (deleted, or its subreddit went private or was banned)',
    };
  if (!isRecord(thing) || !isRecord(thing.data)) return undefined;
  const d = thing.data;
  const category = str(d.removed_by_category);
  if (category) {
    if (category === 'automod_filtered') return undefined;
    const by =
      category === 'deleted' || category === 'author'
        ? 'deleted by its author'
        : category === 'moderator'
          ? "removed by the subreddit's moderators"
          : BY_REDDIT.has(category)
            ? 'removed by Reddit'
            : 'removed';
    return { kind: 'deleted', detail: `${by} (removed_by_category: ${category})` };
  }
  const text = thing.kind === 't1' ? str(d.body) : str(d.selftext);
  if (str(d.author) === '[deleted]' && text === '[deleted]')
    return { kind: 'deleted', detail: 'deleted by its author (author and text "[deleted]")' };
  if (str(d.author) === '[deleted]' && text === '[removed]')
    return { kind: 'deleted', detail: 'removed by moderators (author "[deleted]", text "[removed]")' };
  return { kind: 'present' };
}

/** Verdicts by post id; a post without one is unclear. */
export async function checkRedditPosts(
  posts: readonly DuePost[],
  ctx: PlatformCheckContext,
): Promise<Map<number, Verdict>> {
  const verdicts = new Map<number, Verdict>();
  const config = ctx.config.sources.reddit;
  if (!config.clientId || !config.clientSecret) {
    ctx.log.warn(
      { platform: 'reddit', posts: posts.length },
      'deletion check: reddit needs sources.reddit.clientId and clientSecret; posts left unclear',
    );
    return verdicts;
  }
  const client = createRedditClient(checkKnobs(config, ctx.config));
  // Posts are stored with their fullname (t3_…) as external id (sources/reddit.ts thingToRaw).
  const byName = groupBy(
    posts.filter((p) => FULLNAME.test(p.externalId)),
    (p) => p.externalId,
  );
  const names = [...byName.keys()];
  const batches = Math.ceil(names.length / INFO_BATCH);
  for (let b = 0; b < batches; b++) {
    if (ctx.signal.aborted) break;
    const chunk = names.slice(b * INFO_BATCH, (b + 1) * INFO_BATCH);
    const what = `/api/info batch ${b + 1}/${batches}`;
    const params = new URLSearchParams({ id: chunk.join(','), raw_json: '1' });
    let found: Map<string, unknown>;
    let exhausted: boolean;
    try {
      const answer = await client.get(`/api/info?${params}`, what, ctx.signal, ctx.log);
      const body = answer.body;
      if (
        !isRecord(body) ||
        body.kind !== 'Listing' ||
        !isRecord(body.data) ||
        !Array.isArray(body.data.children)
      )
        throw new Error(`malformed answer for ${what}: not a Listing`);
      found = new Map(
        body.data.children.flatMap((c) =>
          isRecord(c) && isRecord(c.data) && str(c.data.name) ? [[str(c.data.name)!, c] as const] : [],
        ),
      );
      // The counter says the next request would be refused: leave the rest for the next run.
      const remaining = Number(answer.headers.get('x-ratelimit-remaining'));
      exhausted = answer.headers.has('x-ratelimit-remaining') && remaining < 1;
    } catch (err) {
      warnUnclear(ctx, 'reddit', what, err, names.length - b * INFO_BATCH);
      break;
    }
    for (const name of chunk) {
      const verdict = judgeThing(found.get(name));
      if (verdict) for (const p of byName.get(name)!) verdicts.set(p.postId, verdict);
    }
    if (exhausted && b + 1 < batches) {
      ctx.log.warn(
        { platform: 'reddit', posts: names.length - (b + 1) * INFO_BATCH },
        'deletion check: reddit rate limit reached, the remaining posts wait for the next run',
      );
      break;
    }
  }
  return verdicts;
}
