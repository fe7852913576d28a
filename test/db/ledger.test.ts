import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { makeStore, storePosts, type TestStore } from '../evidence/helpers.ts';
import { createHash } from 'node:crypto';

let store: TestStore;
afterEach(() => store?.close());

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('custody ledger', () => {
  it('records captured (with the raw payload SHA-256) and scored for every new post, in the storing transaction', async () => {
    store = await makeStore();
    const raw = '{"id":"1","text":"sale menteuse"}';
    const [id] = await storePosts(store, [{ externalId: '1', raw }]);
    // A duplicate page stores nothing and records nothing.
    await storePosts(store, [{ externalId: '1', raw }]);
    const ledger = createLedger(store.store);
    const events = await ledger.eventsForPost(id!);
    expect(events.map((e) => e.type)).toEqual(['captured', 'scored']);
    expect(JSON.parse(events[0]!.data).rawSha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(JSON.parse(events[1]!.data)).toMatchObject({
      level: 'medium',
      categories: ['insult'],
      scorerVersion: 'test-1',
    });
    const v = await ledger.verify();
    expect(v).toEqual({ ok: true, rows: 2, head: events[1]!.hash });
  });

  it('refuses UPDATE and DELETE through its triggers', async () => {
    store = await makeStore();
    await storePosts(store, [{ externalId: '1' }]);
    expect(() =>
      store.db.$client.prepare("update evidence_events set data = '{}' where id = 1").run(),
    ).toThrow(/append-only: UPDATE refused/);
    expect(() => store.db.$client.prepare('delete from evidence_events where id = 2').run()).toThrow(
      /append-only: DELETE refused/,
    );
    expect((await createLedger(store.store).verify()).ok).toBe(true);
  });

  it('`verify()` names the first broken row after a row was changed behind its back', async () => {
    store = await makeStore();
    await storePosts(store, [{ externalId: '1' }, { externalId: '2' }, { externalId: '3' }]);
    store.db.$client.exec('drop trigger evidence_events_no_update');
    store.db.$client.prepare(`update evidence_events set data = '{"rawSha256":"forged"}' where id = 3`).run();
    // Three posts, two events each (captured, scored): every row is read, the broken one named.
    expect(await createLedger(store.store).verify()).toEqual({
      ok: false,
      rows: 6,
      firstBrokenId: 3,
      reason: "the hash does not match the row's content",
      broken: [{ id: 3, reason: "the hash does not match the row's content" }],
    });
  });

  it('`verify()` names every broken row, not only the first (one tampering hides no other)', async () => {
    store = await makeStore();
    await storePosts(store, [
      { externalId: '1' },
      { externalId: '2' },
      { externalId: '3' },
      { externalId: '4' },
    ]);
    store.db.$client.exec('drop trigger evidence_events_no_update');
    store.db.$client.exec('drop trigger evidence_events_no_delete');
    store.db.$client.prepare(`update evidence_events set actor = 'someone' where id = 2`).run();
    store.db.$client.prepare('delete from evidence_events where id = 5').run();
    store.db.$client.prepare(`update evidence_events set at = at + 1 where id = 8`).run();
    const v = await createLedger(store.store).verify();
    expect(v.ok).toBe(false);
    expect(v.ok ? [] : v.broken).toEqual([
      { id: 2, reason: "the hash does not match the row's content" },
      { id: 6, reason: 'expected row 5, found row 6 (a row was removed or inserted)' },
      { id: 8, reason: "the hash does not match the row's content" },
    ]);
  });

  it('`verify()` names the row after a removed one', async () => {
    store = await makeStore();
    await storePosts(store, [{ externalId: '1' }, { externalId: '2' }]);
    store.db.$client.exec('drop trigger evidence_events_no_delete');
    store.db.$client.prepare('delete from evidence_events where id = 2').run();
    const v = await createLedger(store.store).verify();
    expect(v).toMatchObject({ ok: false, firstBrokenId: 3 });
  });

  it('stays one chain when several processes append at once', async () => {
    store = await makeStore();
    const child = (tag: string) =>
      run(process.execPath, ['bin/run-ts.js', 'test/db/ledger-append-child.ts', store.file, '150', tag]);
    const ingest = (async () => {
      for (let i = 0; i < 30; i++) {
        await storePosts(store, [{ externalId: `p${i}` }]);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const codes = await Promise.all([child('a'), child('b'), ingest]);
    expect(codes.slice(0, 2)).toEqual([0, 0]);
    const v = await createLedger(store.store).verify();
    expect(v).toMatchObject({ ok: true, rows: 150 * 2 + 30 * 2 });
  }, 30_000);
});
