import { afterEach, describe, expect, it } from 'vitest';
import { openDb, closeDb, type Db } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { tempDir } from '../helpers/temp.ts';

const closers: Array<() => void> = [];
afterEach(() =>
  closers
    .splice(0)
    .reverse()
    .forEach((c) => c()),
);

function store(): Db {
  const t = tempDir();
  const db = openDb(`${t.dir}/vigie.db`);
  closers.push(t.cleanup, () => closeDb(db));
  return db;
}
const watchesOf = (raw: unknown[]) => parseConfig({ watches: raw }).watches;

describe('watches-repo syncFromConfig()', () => {
  it('keeps a dashboard edit across restarts until the file itself changes that watch', async () => {
    const db = store();
    const repo = createWatchesRepo(createSqliteStore(db));
    const fromFile = watchesOf([{ id: 'alice', names: ['Alice Martin'] }]);
    await repo.syncFromConfig(fromFile);
    // An edit made in the dashboard writes the stored definition directly.
    db.$client
      .prepare('update watches set definition = ? where id = ?')
      .run(JSON.stringify({ ...fromFile[0], names: ['Alice Martin', 'Alice M.'] }), 'alice');
    await repo.syncFromConfig(fromFile); // a restart with the same file
    expect((await repo.get('alice'))!.definition.names).toEqual(['Alice Martin', 'Alice M.']);
    await repo.syncFromConfig(watchesOf([{ id: 'alice', names: ['Alice Martin-Durand'] }])); // the file changed
    expect((await repo.get('alice'))!.definition.names).toEqual(['Alice Martin-Durand']);
  });

  it('marks a configured watch removed when it leaves the file, but never one created in the dashboard', async () => {
    const db = store();
    const repo = createWatchesRepo(createSqliteStore(db));
    await repo.syncFromConfig(
      watchesOf([
        { id: 'alice', names: ['Alice'] },
        { id: 'bob', names: ['Bob'] },
      ]),
    );
    db.$client
      .prepare('insert into watches (id, definition, created_at, updated_at) values (?, ?, ?, ?)')
      .run('carol', JSON.stringify(watchesOf([{ id: 'carol', names: ['Carol'] }])[0]), 1, 1);
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
