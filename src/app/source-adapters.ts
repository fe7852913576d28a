import type { Config } from '../config/schema.ts';
import type { AccountSearcher, SourceAdapter } from '../sources/source.ts';
import { createXAdapters, type XPostLookup } from '../sources/x/x-adapter.ts';
import { createFeedAdapter } from '../sources/feed/feed-adapter.ts';
import {
  createBlueskyAccountSearch,
  createBlueskyAdapter,
  createBlueskyClient,
} from '../sources/bluesky/bluesky-adapter.ts';
import { createMastodonAdapters } from '../sources/mastodon/mastodon-adapter.ts';
import { createRedditAdapter } from '../sources/reddit/reddit-adapter.ts';
import { createHackernewsAdapter } from '../sources/hackernews/hackernews-adapter.ts';

export interface SourceAdapters {
  /** Every adapter this configuration can use, by kind. */
  registry: Map<string, SourceAdapter>;
  /** Account searches (look-alikes) on the platforms whose credentials are configured. */
  accountSearchers: AccountSearcher[];
  /** X post lookup for the deletion watch, when X credentials are configured. */
  xLookup: XPostLookup | undefined;
}

/**
 * Every platform client, built once: the X adapters serve polling and the deletion watch, one
 * Bluesky session serves the post search and the account search.
 */
export function createSourceAdapters(config: Config): SourceAdapters {
  const x = createXAdapters(config.sources.x);
  const mastodon = createMastodonAdapters(config.sources.mastodon);
  const bluesky = createBlueskyClient(config.sources.bluesky);
  const adapters: SourceAdapter[] = [
    x.mentions,
    x.search,
    createFeedAdapter(config.sources.feeds, {}, config.network),
    createBlueskyAdapter(config.sources.bluesky, {}, bluesky),
    mastodon.tag,
    mastodon.search,
    createRedditAdapter(config.sources.reddit),
    createHackernewsAdapter(config.sources.hackernews),
  ];
  const accountSearchers: AccountSearcher[] = [];
  const bsky = config.sources.bluesky;
  if (bsky.identifier && bsky.appPassword) accountSearchers.push(createBlueskyAccountSearch(bluesky));
  if (config.sources.mastodon.accessToken) accountSearchers.push(mastodon.accounts);
  return {
    registry: new Map(adapters.map((a) => [a.kind, a])),
    accountSearchers,
    xLookup: config.sources.x.bearerToken ? x.lookup : undefined,
  };
}

/**
 * Source adapters that follow the credentials changed in the dashboard: the registry and the
 * account searchers are the same objects throughout (every holder sees the new clients), the X
 * lookup forwards to the current one.
 */
export function createLiveSourceAdapters(config: Config): SourceAdapters & { rebuild(next: Config): void } {
  const live = createSourceAdapters(config);
  let xLookup = live.xLookup;
  const forward: XPostLookup = {
    lookupPosts: (ids, signal) => {
      if (!xLookup) throw new Error('X is not configured: set the X bearer token');
      return xLookup.lookupPosts(ids, signal);
    },
  };
  return {
    registry: live.registry,
    accountSearchers: live.accountSearchers,
    get xLookup() {
      return xLookup ? forward : undefined;
    },
    rebuild(next) {
      const fresh = createSourceAdapters(next);
      live.registry.clear();
      for (const [kind, adapter] of fresh.registry) live.registry.set(kind, adapter);
      live.accountSearchers.splice(0, live.accountSearchers.length, ...fresh.accountSearchers);
      xLookup = fresh.xLookup;
    },
  };
}
