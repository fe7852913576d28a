import { afterEach, describe, expect, it } from 'vitest';
import { createXAdapters } from '../../src/sources/x/x-adapter.ts';
import { runDeletionCheck } from '../../src/evidence/deletion-check.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { startFakeFeedServer, type FakeFeedServer } from '../fakes/feed-server.ts';
import { makeStore, type TestStore } from './helpers.ts';
import { storeArchived } from './deletion-helpers.ts';

const TOKEN = 'deletion-test-token';
let x: FakeXApi;
let web: FakeFeedServer;
let store: TestStore;

afterEach(async () => {
  store?.close();
  await x?.close();
  await web?.close();
});

describe('deletion watch', () => {
  it('records deleted_upstream once for an X post gone from the lookup and a web page answering 404/410', async () => {
    x = await startFakeXApi({ token: TOKEN });
    web = await startFakeFeedServer();
    const [kept, gone] = x.addTweets([
      { text: 'still here @alice_m', author: 'troll_a' },
      { text: 'deleted later @alice_m', author: 'troll_b' },
    ]);
    web.setFeed('/still.html', { body: '<html>ok</html>', contentType: 'text/html' });
    web.setFeed('/removed.html', { body: 'gone', contentType: 'text/html', status: 410 });
    store = await makeStore({
      sources: { x: { bearerToken: TOKEN, baseUrl: x.url, timeoutMs: 2000, maxRetries: 0 } },
    });
    const { ids, archives } = await storeArchived(store, [
      { externalId: kept!, platform: 'x', url: `https://x.com/troll_a/status/${kept}` },
      { externalId: gone!, platform: 'x', url: `https://x.com/troll_b/status/${gone}` },
      { externalId: 'w1', url: `${web.url}/still.html` },
      { externalId: 'w2', url: `${web.url}/missing.html` },
      { externalId: 'w3', url: `${web.url}/removed.html` },
    ]);
    x.deleteTweet(gone!);

    const deps = {
      config: store.config,
      log: store.log,
      archives,
      posts: store.posts,
      xLookup: createXAdapters(store.config.sources.x).lookup,
    };
    const first = await runDeletionCheck(deps);
    expect(first).toEqual({ checked: 5, deleted: 3, unclear: 0 });
    const status = await archives.archiveStatus(ids);
    expect(ids.map((id) => status.get(id)!.deletedUpstreamAt !== null)).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
    const ledger = createLedger(store.store);
    expect(JSON.parse((await ledger.eventsForPost(ids[1]!)).at(-1)!.data)).toMatchObject({ how: 'x-lookup' });
    expect(JSON.parse((await ledger.eventsForPost(ids[3]!)).at(-1)!.data)).toMatchObject({
      how: 'http',
      detail: 'HTTP 404',
    });
    expect(JSON.parse((await ledger.eventsForPost(ids[4]!)).at(-1)!.data)).toMatchObject({
      how: 'http',
      detail: 'HTTP 410',
    });

    // Checked again: the deleted ones are not checked (nor recorded) twice.
    const second = await runDeletionCheck(deps);
    expect(second).toEqual({ checked: 2, deleted: 0, unclear: 0 });
    expect(await ledger.ofWatchAndType('alice', 'deleted_upstream')).toHaveLength(3);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('never asks a private address a post links to (the link is attacker-written), and leaves it unclear', async () => {
    web = await startFakeFeedServer();
    web.setFeed('/gone.html', { body: 'gone', contentType: 'text/html', status: 404 });
    web.setFeed('/hop', { body: '', status: 302, headers: { location: `${web.url}/gone.html` } });
    store = await makeStore({ network: { allowPrivateAddresses: false } });
    const port = new URL(web.url).port;
    const { ids, archives } = await storeArchived(store, [
      { externalId: 'a', url: `http://127.0.0.1:${port}/gone.html` },
      { externalId: 'b', url: `http://2130706433:${port}/gone.html` },
      { externalId: 'c', url: `http://[::ffff:127.0.0.1]:${port}/gone.html` },
      { externalId: 'd', url: `http://169.254.169.254/latest/meta-data/` },
    ]);
    const s = await runDeletionCheck({ config: store.config, log: store.log, archives, posts: store.posts });
    expect(s).toEqual({ checked: 0, deleted: 0, unclear: 4 });
    expect((await Promise.all(ids.map((id) => archives.get(id)))).map((r) => r!.deletedUpstreamAt)).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(web.requests).toEqual([]);
  });

  it('does not call a post deleted when the page fails for another reason', async () => {
    web = await startFakeFeedServer();
    web.setFeed('/flaky.html', { body: 'x', contentType: 'text/html' });
    web.injectFault('/flaky.html', '503', { times: 2 });
    store = await makeStore();
    const { ids, archives } = await storeArchived(store, [{ externalId: 'f', url: `${web.url}/flaky.html` }]);
    const s = await runDeletionCheck({ config: store.config, log: store.log, archives, posts: store.posts });
    expect(s).toEqual({ checked: 0, deleted: 0, unclear: 1 });
    expect((await archives.get(ids[0]!))!.deletedUpstreamAt).toBeNull();
  });

  it('puts a post that keeps answering unclearly behind the others, so it cannot fill every batch', async () => {
    web = await startFakeFeedServer();
    web.setFeed('/flaky.html', { body: 'x', contentType: 'text/html', status: 503 });
    web.setFeed('/fine.html', { body: '<html>ok</html>', contentType: 'text/html' });
    web.setFeed('/gone.html', { body: 'gone', contentType: 'text/html', status: 404 });
    store = await makeStore();
    // Stored in this order, so the flaky post is first in line on the first run.
    const { ids, archives } = await storeArchived(store, [
      { externalId: 'f', url: `${web.url}/flaky.html` },
      { externalId: 'ok', url: `${web.url}/fine.html` },
      { externalId: 'g', url: `${web.url}/gone.html` },
    ]);
    const config = {
      ...store.config,
      archive: {
        ...store.config.archive,
        deletionCheck: { ...store.config.archive.deletionCheck, batchSize: 1 },
      },
    };
    const run = () =>
      runDeletionCheck({ config, log: store.log, archives, posts: store.posts, now: () => Date.now() });
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 1 });
    expect(await run()).toEqual({ checked: 1, deleted: 0, unclear: 0 });
    expect(await run()).toEqual({ checked: 1, deleted: 1, unclear: 0 });
    expect((await archives.get(ids[2]!))!.deletedUpstreamAt).not.toBeNull();
    // Every post has had its turn: the flaky one is first again.
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 1 });
  });
});
