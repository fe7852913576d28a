import { afterEach, describe, expect, it } from 'vitest';
import { startFakeFeedServer, buildRss2 } from '../fakes/feed-server.ts';
import { pollAll, testDeps } from '../helpers/deps.ts';
import { rescoreWatch } from '../../src/ingest/rescore.ts';
import { parseConfig } from '../../src/config/load.ts';
import { toArray } from '../helpers/to-array.ts';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('rescoreWatch()', () => {
  it('rescores the posts of an older scorer version after the watch gains a custom word, and logs it', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    feeds.setFeed('/rss', {
      body: buildRss2([
        { id: '1', title: 'Alice Martin est une zorglubette', link: 'https://ex.org/1', html: 'vraiment' },
        { id: '2', title: 'Alice Martin publie un livre', link: 'https://ex.org/2', html: 'bravo' },
      ]),
    });
    const watch = { id: 'alice', names: ['Alice Martin'], feeds: [`${feeds.url}/rss`] };
    const t = await testDeps({ watches: [watch] });
    closers.push(t.cleanup);
    await pollAll(t.deps);
    const before = await toArray(t.deps.posts.iterateMentions({ watchId: 'alice' }));
    expect(before.every((p) => !p.hostile)).toBe(true);

    // The watch now flags the made-up insult: its scorer version changes.
    const updated = parseConfig({
      watches: [{ ...watch, words: { flag: [{ term: 'zorglubette', category: 'insult', severity: 3 }] } }],
    }).watches;
    await t.deps.watches.syncFromConfig(updated);
    expect(await rescoreWatch(t.deps, 'alice')).toBe(2);
    const after = await toArray(t.deps.posts.iterateMentions({ watchId: 'alice' }));
    const insulted = after.find((p) => p.url === 'https://ex.org/1')!;
    expect(insulted.hostile).toBe(true);
    expect(insulted.categories).toContain('insult');
    expect(after.find((p) => p.url === 'https://ex.org/2')!.hostile).toBe(false);
    // Nothing left to do the second time; the custody log holds the new scores and still verifies.
    expect(await rescoreWatch(t.deps, 'alice')).toBe(0);
    const ledger = t.deps.ledger;
    expect((await ledger.eventsForPost(insulted.id)).filter((e) => e.type === 'scored')).toHaveLength(2);
    expect((await ledger.verify()).ok).toBe(true);
  });
});
