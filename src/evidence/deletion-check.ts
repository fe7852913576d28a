import type { Logger } from '../logger.ts';
import type { Config } from '../config/schema.ts';
import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { XPostLookup } from '../sources/x/x-adapter.ts';
import type { ArchiveRepo } from './archive-repo.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import { checkBlueskyPosts } from '../sources/bluesky/bluesky-deletion.ts';
import { type DuePost, type PlatformCheckContext, type Verdict } from '../sources/deletion-common.ts';
import { checkMastodonPosts } from '../sources/mastodon/mastodon-deletion.ts';
import { checkRedditPosts } from '../sources/reddit/reddit-deletion.ts';

// The deletion watch: archived posts are checked again upstream; a post that has disappeared gets
// a `deleted_upstream` ledger event — with the archive and the captured payload, proof that it
// existed and was later removed. Only a clear answer counts as deletion; anything unclear
// (protected, suspended, 5xx, time-out, rate limit) is left for the next run.
// - X: the X lookup API ("resource not found").
// - Bluesky, Mastodon, Reddit: their own APIs (sources/<platform>/<platform>-deletion.ts)
// — their web pages answer 200 for deleted or removed posts.
// - Anything else (feeds, web pages): the page's URL, HTTP 404/410.

export interface DeletionCheckDeps {
  config: Readonly<Config>;
  log: Logger;
  archives: ArchiveRepo;
  /** The posts' captured payloads are read from here (Mastodon: the polled instance's status id). */
  posts: Pick<PostsRepo, 'rawPayloads'>;
  /** Absent when X is not configured: X posts are then not checked. */
  xLookup?: XPostLookup;
  now?: () => number;
}

export interface DeletionCheckSummary {
  checked: number;
  deleted: number;
  unclear: number;
}

export async function runDeletionCheck(
  deps: DeletionCheckDeps,
  options: { watchId?: string; signal?: AbortSignal } = {},
): Promise<DeletionCheckSummary> {
  const now = deps.now ?? Date.now;
  const cfg = deps.config.archive.deletionCheck;
  const summary: DeletionCheckSummary = { checked: 0, deleted: 0, unclear: 0 };
  const due = await deps.archives.toRecheck(cfg.batchSize, options.watchId);
  // Marked before asking: posts left unclear (or not reached after a 429) wait for the others'
  // turn instead of taking the head of every batch.
  await deps.archives.markTried(
    due.map((p) => p.postId),
    now(),
  );

  const xPosts = due.filter((p) => p.platform === 'x');
  if (xPosts.length > 0 && deps.xLookup) {
    try {
      const { missing, found } = await deps.xLookup.lookupPosts(
        xPosts.map((p) => p.externalId),
        options.signal,
      );
      for (const p of xPosts) {
        if (missing.has(p.externalId)) {
          await deps.archives.markDeletedUpstream(p, {
            now: now(),
            how: 'x-lookup',
            detail: 'X answered resource-not-found',
          });
          summary.deleted++;
        } else if (!found.has(p.externalId)) summary.unclear++;
      }
      await deps.archives.markChecked(
        xPosts.map((p) => p.postId),
        now(),
      );
      summary.checked += xPosts.length;
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, posts: xPosts.length }, 'deletion check: X lookup failed');
      summary.unclear += xPosts.length;
    }
  }

  const apiChecks: [
    platform: string,
    how: string,
    check: (posts: DuePost[], ctx: PlatformCheckContext) => Promise<Map<number, Verdict>>,
  ][] = [
    [
      'bluesky',
      'bluesky-getposts',
      (posts, ctx) =>
        checkBlueskyPosts(posts, { ...ctx, appViewUrl: deps.config.sources.bluesky.appViewUrl }),
    ],
    [
      'mastodon',
      'mastodon-status',
      async (posts, ctx) =>
        checkMastodonPosts(posts, {
          ...ctx,
          raws: await deps.posts.rawPayloads(posts.map((p) => p.postId)),
        }),
    ],
    ['reddit', 'reddit-info', checkRedditPosts],
  ];
  const ctx: PlatformCheckContext = {
    config: deps.config,
    log: deps.log,
    signal: options.signal ?? new AbortController().signal,
  };
  for (const [platform, how, check] of apiChecks) {
    const posts = due.filter((p) => p.platform === platform);
    if (posts.length === 0) continue;
    let verdicts = new Map<number, Verdict>();
    if (!ctx.signal.aborted) {
      try {
        verdicts = await check(posts, ctx);
      } catch (err) {
        deps.log.warn(
          { platform, posts: posts.length, err: (err as Error).message },
          'deletion check: platform check failed',
        );
      }
    }
    const present: number[] = [];
    for (const p of posts) {
      const v = verdicts.get(p.postId);
      if (!v) {
        summary.unclear++;
        continue;
      }
      summary.checked++;
      if (v.kind === 'present') present.push(p.postId);
      else {
        await deps.archives.markDeletedUpstream(p, { now: now(), how, detail: v.detail });
        summary.deleted++;
      }
    }
    await deps.archives.markChecked(present, now());
  }

  const webPosts = due.filter(
    (p) =>
      p.platform !== 'x' &&
      !apiChecks.some(([platform]) => platform === p.platform) &&
      /^https?:\/\//i.test(p.url),
  );
  for (const p of webPosts) {
    if (options.signal?.aborted) break;
    const gone = await urlGone(p.url, deps.config, options.signal);
    if (gone === undefined) {
      summary.unclear++;
      continue;
    }
    if (gone) {
      await deps.archives.markDeletedUpstream(p, { now: now(), how: 'http', detail: `HTTP ${gone}` });
      summary.deleted++;
    } else await deps.archives.markChecked([p.postId], now());
    summary.checked++;
  }
  deps.log.info(summary, 'deletion check done');
  return summary;
}

/** The HTTP status proving the page is gone (404, 410), false when it answers, undefined when unclear. */
async function urlGone(
  url: string,
  config: Readonly<Config>,
  signal?: AbortSignal,
): Promise<number | false | undefined> {
  const timeout = AbortSignal.timeout(config.archive.deletionCheck.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const headers = { 'user-agent': config.sources.feeds.userAgent };
  try {
    // The URL comes from a post: the network policy applies to it and to every redirect.
    const network = config.network;
    let res = await safeFetch(url, { method: 'HEAD', headers, signal: combined, network });
    // Some servers refuse HEAD: ask with GET before concluding anything.
    if (res.status === 405 || res.status === 501 || res.status === 403) {
      res = await safeFetch(url, { method: 'GET', headers, signal: combined, network });
      await res.body?.cancel();
    }
    if (res.status === 404 || res.status === 410) return res.status;
    if (res.status >= 200 && res.status < 400) return false;
    return undefined;
  } catch {
    return undefined;
  }
}
