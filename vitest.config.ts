import { defineConfig } from 'vitest/config';

/**
 * The repository and pipeline tests that also run on PostgreSQL (the `postgres` project, with
 * VIGIE_TEST_STORE=postgres: their fixtures open a fresh PostgreSQL database instead of a SQLite
 * file — test/helpers/test-store.ts). One contract suite, two databases.
 */
const CONTRACT_SUITE: string[] = [
  // filled per directory as its fixtures open the tested store
  'test/db/ledger.test.ts',
  'test/db/posts-repo.test.ts',
  'test/db/watches-sync.test.ts',
  'test/ingest/poll-source.test.ts',
  'test/ingest/rescore.test.ts',
  'test/app/capture-jobs.test.ts',
  'test/app/settings-store.test.ts',
  'test/sources/hackernews/hackernews-adapter.test.ts',
  'test/jobs/handlers-bullmq.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'postgres', include: CONTRACT_SUITE, env: { VIGIE_TEST_STORE: 'postgres' } },
      },
    ],
  },
});
