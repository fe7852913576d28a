import type { WatchConfig } from '../config/schema.ts';
import type { SourceSpec } from '../db/repositories/sources-repo.ts';

/** The sources a watch's definition asks for: one row per watch × kind × target. */
export function sourceSpecsForWatch(watch: WatchConfig): SourceSpec[] {
  const specs: SourceSpec[] = [];
  if (watch.x?.handle) specs.push({ kind: 'x_mentions', target: watch.x.handle });
  if (watch.x?.search) specs.push({ kind: 'x_search', target: watch.x.search });
  for (const url of watch.feeds) specs.push({ kind: 'feed', target: url });
  for (const q of watch.bluesky?.queries ?? []) specs.push({ kind: 'bluesky_search', target: q });
  if (watch.bluesky?.handle)
    specs.push({ kind: 'bluesky_search', target: `mentions:${watch.bluesky.handle}` });
  for (const tag of watch.mastodon?.hashtags ?? []) specs.push({ kind: 'mastodon_tag', target: tag });
  for (const q of watch.mastodon?.queries ?? []) specs.push({ kind: 'mastodon_search', target: q });
  for (const q of watch.reddit?.queries ?? []) specs.push({ kind: 'reddit_search', target: q });
  for (const q of watch.hackernews?.queries ?? []) specs.push({ kind: 'hackernews_search', target: q });
  return specs;
}
