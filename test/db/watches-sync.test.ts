import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Store } from '../../src/db/store.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { tempDir } from '../helpers/temp.ts';
import { openTestStore } from '../helpers/test-store.ts';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function openStore(): Promise<Store> {
  const t = tempDir();
  const test = await openTestStore(`${t.dir}/vigie.db`);
  closers.push(t.cleanup, () => test.close());
  return test.store;
}
const watchesOf = (raw: unknown[]) => parseConfig({ watches: raw }).watches;

describe('watches-repo syncFromConfig()', () => {
  it('keeps a dashboard edit across restarts until the file itself changes that watch', async () => {
    const store = await openStore();
    const repo = createWatchesRepo(store);
    const fromFile = watchesOf([{ id: 'alice', names: ['Alice Martin'] }]);
    await repo.syncFromConfig(fromFile);
    // An edit made in the dashboard writes the stored definition directly.
    const edited = JSON.stringify({ ...fromFile[0], names: ['Alice Martin', 'Alice M.'] });
    await store.run(sql`update watches set definition = ${edited} where id = ${'alice'}`);
    await repo.syncFromConfig(fromFile); // a restart with the same file
    expect((await repo.get('alice'))!.definition.names).toEqual(['Alice Martin', 'Alice M.']);
    await repo.syncFromConfig(watchesOf([{ id: 'alice', names: ['Alice Martin-Durand'] }])); // the file changed
    expect((await repo.get('alice'))!.definition.names).toEqual(['Alice Martin-Durand']);
  });

  it('marks a configured watch removed when it leaves the file, but never one created in the dashboard', async () => {
    const store = await openStore();
    const repo = createWatchesRepo(store);
    await repo.syncFromConfig(
      watchesOf([
        { id: 'alice', names: ['Alice'] },
        { id: 'bob', names: ['Bob'] },
      ]),
    );
    const carol = JSON.stringify(watchesOf([{ id: 'carol', names: ['Carol'] }])[0]);
    await store.run(
      sql`insert into watches (id, definition, created_at, updated_at) values (${'carol'}, ${carol}, ${1}, ${1})`,
    );
    await repo.syncFromConfig(watchesOf([{ id: 'alice', names: ['Alice'] }]));
    expect((await repo.listActive()).map((w) => w.id)).toEqual(['alice', 'carol']);
    expect((await repo.get('bob'))!.removedAt).not.toBeNull();
    // Back in the file: active again.
    await repo.syncFromConfig(
      watchesOf([
        { id: 'alice', names: ['Alice'] },
        { id: 'bob', names: ['Bob'] },
      ]),
    );
    expect((await repo.get('bob'))!.removedAt).toBeNull();
  });
});
