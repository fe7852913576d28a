import type { Config, WatchConfig } from '../config/schema.ts';
import type { SourceSpec } from '../db/repositories/sources-repo.ts';
import type { SourceAdapter } from './source.ts';
import { createXAdapters } from './x.ts';
import { createFeedAdapter } from './feed.ts';
import {
  createBlueskyAccountSearch,
  createBlueskyAdapter,
  createBlueskyClient,
  type BlueskyClient,
} from './bluesky.ts';
import { createMastodonAdapters } from './mastodon.ts';
import { createRedditAdapter } from './reddit.ts';
import { createHackernewsAdapter } from './hackernews.ts';
import type { AccountSearcher } from '../identity/service.ts';

export type AdapterRegistry = ReadonlyMap<string, SourceAdapter>;

/** Every adapter this configuration can use, by kind. */
export function createAdapterRegistry(config: Config): AdapterRegistry {
  const x = createXAdapters(config.sources.x);
  const adapters: SourceAdapter[] = [
    x.mentions,
    x.search,
    createFeedAdapter(config.sources.feeds, {}, config.network),
  ];
  const mastodon = createMastodonAdapters(config.sources.mastodon);
  adapters.push(
    createBlueskyAdapter(config.sources.bluesky, {}, blueskyClient(config)),
    mastodon.tag,
    mastodon.search,
  );
  adapters.push(
    createRedditAdapter(config.sources.reddit),
    createHackernewsAdapter(config.sources.hackernews),
  );
  return new Map(adapters.map((a) => [a.kind, a]));
}

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

// One Bluesky session per configuration, shared by the post search and the account search.
const blueskyClients = new WeakMap<object, BlueskyClient>();
function blueskyClient(config: Config): BlueskyClient {
  let client = blueskyClients.get(config.sources.bluesky);
  if (!client)
    blueskyClients.set(config.sources.bluesky, (client = createBlueskyClient(config.sources.bluesky)));
  return client;
}

/** Account searches (look-alikes) on the platforms whose credentials are configured. */
export function createAccountSearchers(config: Config): AccountSearcher[] {
  const searchers: AccountSearcher[] = [];
  const bsky = config.sources.bluesky;
  if (bsky.identifier && bsky.appPassword) searchers.push(createBlueskyAccountSearch(blueskyClient(config)));
  if (config.sources.mastodon.accessToken)
    searchers.push(createMastodonAdapters(config.sources.mastodon).accounts);
  return searchers;
}
