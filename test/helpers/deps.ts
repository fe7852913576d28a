import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { createDeps, type Deps } from '../../src/app/deps.ts';
import { silentLogger } from '../../src/logger.ts';
import { tempDir } from './temp.ts';
import { testDatabaseConfig } from './test-store.ts';

/**
 * A full set of dependencies on a fresh database of the tested dialect built from the real
 * migrations: a SQLite file in the temporary data directory, or a new PostgreSQL database when
 * VIGIE_TEST_STORE=postgres (dropped at cleanup). The fakes
 * listen on 127.0.0.1: the network policy lets requests reach private addresses (as an intranet
 * install would) unless `raw` says otherwise; local page captures are off unless `raw` turns them on.
 */
export async function testDeps(raw: Record<string, unknown>): Promise<{
  deps: Deps;
  config: Config;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const t = tempDir();
  const database = await testDatabaseConfig();
  const config = parseConfig({
    dataDir: t.dir,
    log: { level: 'silent' },
    network: { allowPrivateAddresses: true },
    // Browser captures only where a test asks for them (they launch Chromium).
    capture: { enabled: false },
    ...database.config,
    ...raw,
  });
  let deps: Deps;
  try {
    deps = await createDeps(config, silentLogger());
  } catch (error) {
    await database.drop();
    t.cleanup();
    throw error;
  }
  await deps.syncWatches();
  return {
    deps,
    config,
    dir: t.dir,
    cleanup: async () => {
      await deps.close();
      await database.drop();
      t.cleanup();
    },
  };
}

/** Polls every enabled source of a watch once, in order. */
export async function pollAll(deps: Deps, watchId?: string) {
  const { pollSource } = await import('../../src/ingest/poll-source.ts');
  const outcomes = [];
  for (const s of await deps.sources.listEnabled(watchId)) outcomes.push(await pollSource(deps, s.id));
  return outcomes;
}
