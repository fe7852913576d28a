import { defineConfig } from 'vitest/config';

/**
 * The repository and pipeline tests that also run on PostgreSQL (the `postgres` project, with
 * VIGIE_TEST_STORE=postgres: their fixtures open a fresh PostgreSQL database instead of a SQLite
 * file — test/helpers/test-store.ts). One contract suite, two databases.
 */
const CONTRACT_SUITE: string[] = [
  // core
  'test/db/ledger.test.ts',
  'test/db/posts-repo.test.ts',
  'test/db/watches-sync.test.ts',
  'test/ingest/poll-source.test.ts',
  'test/ingest/rescore.test.ts',
  'test/app/capture-jobs.test.ts',
  'test/app/settings-store.test.ts',
  'test/sources/hackernews/hackernews-adapter.test.ts',
  'test/jobs/handlers-bullmq.test.ts',
  // evidence (any-text-round-trip.test.ts stays SQLite-only: the payload is kept as received, and
  // PostgreSQL text refuses the U+0000 its payloads may hold; see that file)
  'test/evidence/archive.test.ts',
  'test/evidence/config.test.ts',
  'test/evidence/deletion-check.test.ts',
  'test/evidence/dossier-impersonations.test.ts',
  'test/evidence/dossier.test.ts',
  'test/evidence/ledger-timestamps.test.ts',
  'test/evidence/post-summary.test.ts',
  'test/evidence/timestamp-signature.test.ts',
  'test/evidence/text-round-trip.test.ts',
  'test/evidence/timestamp.test.ts',
  'test/evidence/capture/**/*.test.ts',
  // identity
  'test/identity/**/*.test.ts',
  'test/app/evidence-handlers.test.ts',
  // alerts
  'test/alerts/channels.test.ts',
  'test/alerts/delivery.test.ts',
  'test/alerts/digest.test.ts',
  'test/alerts/person-channels-repo.test.ts',
  'test/alerts/exactly-once.test.ts',
  'test/alerts/immediate.test.ts',
  'test/alerts/lookalike-alerts.test.ts',
  'test/alerts/pile-on.test.ts',
  'test/alerts/screenshots.test.ts',
  'test/alerts/unsubscribe-app.test.ts',
  'test/alerts/waves.test.ts',
  'test/cli/notify-commands.test.ts',
  // command line: each command a real process, on the store its configuration names
  'test/cli/capture-commands.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/corrections-commands.test.ts',
  'test/cli/evidence-commands.test.ts',
  'test/cli/identity-commands.test.ts',
  'test/cli/kill-mid-poll.test.ts',
  'test/cli/poll-once-cycle.test.ts',
  'test/cli/service-lifecycle.test.ts',
  'test/cli/setup-answers.test.ts',
  'test/cli/users-commands.test.ts',
  // dashboard (settings.test.ts reads the SQLite files themselves; the browser tests run on SQLite)
  'test/web/chat-settings.test.ts',
  'test/web/access.test.ts',
  'test/web/capture-panel.test.ts',
  'test/web/dossier-decisions.test.ts',
  'test/web/dossier-everything.test.ts',
  'test/web/error-pages.test.ts',
  'test/web/login-guard.test.ts',
  'test/web/login-limits.test.ts',
  'test/web/notifications.test.ts',
  'test/web/pages.test.ts',
  'test/web/people.test.ts',
  'test/web/phone-and-language.test.ts',
  'test/web/redirects.test.ts',
  'test/web/sessions.test.ts',
  'test/web/setup.test.ts',
  'test/web/time-zone.test.ts',
  'test/web/triage.test.ts',
  'test/web/triage-counts.test.ts',
  'test/web/triage-search-pages.test.ts',
  'test/web/watch-list-sql.test.ts',
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
