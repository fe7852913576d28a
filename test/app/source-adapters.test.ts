import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createSourceAdapters } from '../../src/app/source-adapters.ts';
import { sourceSpecsForWatch } from '../../src/sources/source-specs.ts';

describe('registry: Bluesky, Mastodon, Reddit and Hacker News', () => {
  const config = parseConfig({
    sources: {
      bluesky: { identifier: 'w.bsky.social', appPassword: 'pass-word-1234' },
      mastodon: { accessToken: 'tok-1234' },
      reddit: { clientId: 'id', clientSecret: 'secret-1234' },
    },
    watches: [
      {
        id: 'alice',
        names: ['Alice Martin'],
        bluesky: { queries: ['"Alice Martin"'], handle: '@Alice.bsky.social' },
        mastodon: { hashtags: ['#AliceMartin'], queries: ['Alice Martin'] },
        reddit: { queries: ['"Alice Martin"'] },
        hackernews: { queries: ['Alice Martin'] },
      },
    ],
  });

  it('gives each watch one source per query, hashtag and handle', () => {
    expect(sourceSpecsForWatch(config.watches[0]!)).toEqual([
      { kind: 'bluesky_search', target: '"Alice Martin"' },
      { kind: 'bluesky_search', target: 'mentions:alice.bsky.social' },
      { kind: 'mastodon_tag', target: 'AliceMartin' },
      { kind: 'mastodon_search', target: 'Alice Martin' },
      { kind: 'reddit_search', target: '"Alice Martin"' },
      { kind: 'hackernews_search', target: 'Alice Martin' },
    ]);
  });

  it('has an adapter for every kind, and account searches where credentials allow', () => {
    const registry = createSourceAdapters(config).registry;
    for (const kind of [
      'bluesky_search',
      'mastodon_tag',
      'mastodon_search',
      'reddit_search',
      'hackernews_search',
    ])
      expect(registry.get(kind)?.kind).toBe(kind);
    expect(createSourceAdapters(config).accountSearchers.map((s) => s.platform)).toEqual([
      'bluesky',
      'mastodon',
    ]);
    expect(createSourceAdapters(parseConfig({})).accountSearchers).toEqual([]);
  });
});
