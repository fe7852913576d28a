import type { Db } from '../db/client.ts';
import type { Ledger, LedgerEvent } from '../db/ledger/ledger.ts';

// SQL of the archive rows (one per post), the shared submission log that the global Wayback rate
// is counted from, and the deletion watch's bookkeeping. Every state change that is evidence
// (archived, failed for good, deleted upstream) is written with its ledger event in one transaction.

export const FINAL_FAILURES = ['blocked', 'not_found', 'no_access', 'failed'] as const;
export type ArchiveStatus = 'pending' | 'submitted' | 'archived' | (typeof FINAL_FAILURES)[number];

export interface ArchiveRow {
  postId: number;
  watchId: string;
  status: ArchiveStatus;
  jobId: string | null;
  captureUrl: string | null;
  captureTimestamp: string | null;
  attempts: number;
  nextAttemptAt: number;
  submittedAt: number | null;
  lastError: string | null;
  statusExt: string | null;
  requestedBy: string;
  createdAt: number;
  updatedAt: number;
  lastCheckedAt: number | null;
  deletedUpstreamAt: number | null;
}

export interface ArchiveWork extends ArchiveRow {
  url: string;
}

export type Claim =
  { kind: 'claimed'; work: ArchiveWork } | { kind: 'rate'; until: number } | { kind: 'none' };

export interface WorkScope {
  watchId?: string;
  postIds?: readonly number[];
}

const COLUMNS = `a.post_id as postId, a.watch_id as watchId, a.status, a.job_id as jobId, a.capture_url as captureUrl,
  a.capture_timestamp as captureTimestamp, a.attempts, a.next_attempt_at as nextAttemptAt, a.submitted_at as submittedAt,
  a.last_error as lastError, a.status_ext as statusExt, a.requested_by as requestedBy, a.created_at as createdAt,
  a.updated_at as updatedAt, a.last_checked_at as lastCheckedAt, a.deleted_upstream_at as deletedUpstreamAt`;

function scopeSql(scope: WorkScope): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (scope.watchId) {
    parts.push('a.watch_id = ?');
    params.push(scope.watchId);
  }
  if (scope.postIds) {
    parts.push(`a.post_id in (${scope.postIds.map(() => '?').join(',') || 'null'})`);
    params.push(...scope.postIds);
  }
  return { sql: parts.map((p) => ` and ${p}`).join(''), params };
}

export function createArchiveRepo(db: Db, ledger: Ledger) {
  const client = db.$client;

  const insertRow = client.prepare(
    `insert into archives (post_id, watch_id, status, attempts, next_attempt_at, requested_by, created_at, updated_at)
     select p.id, p.watch_id, 'pending', 0, ?, ?, ?, ? from posts p where p.id = ? and p.url is not null
     on conflict (post_id) do nothing`,
  );

  function withLedger<T>(fn: () => T, events: (out: T) => LedgerEvent[]): T {
    return client
      .transaction(() => {
        const out = fn();
        ledger.appendInTx(undefined, events(out));
        return out;
      })
      .immediate();
  }

  const repo = {
    /** Creates pending rows for the watch's posts at these levels that have none yet. Returns how many. */
    enrollByLevel(watchId: string, levels: readonly string[], now: number): number {
      if (levels.length === 0) return 0;
      return client
        .prepare(
          `insert into archives (post_id, watch_id, status, attempts, next_attempt_at, requested_by, created_at, updated_at)
           select p.id, p.watch_id, 'pending', 0, ?, 'auto', ?, ? from posts p
           where p.watch_id = ? and p.level in (${levels.map(() => '?').join(',')}) and p.url is not null
             and not exists (select 1 from archives a where a.post_id = p.id)
           on conflict (post_id) do nothing`,
        )
        .run(now, now, now, watchId, ...levels).changes;
    },

    /** Pending rows for these posts (no-op for posts already having one). */
    enrollPosts(postIds: readonly number[], requestedBy: string, now: number): number {
      let n = 0;
      client.transaction(() => {
        for (const id of postIds) n += insertRow.run(now, requestedBy, now, now, id).changes;
      })();
      return n;
    },

    /**
     * A proxy asks for this post to be archived: a new pending row, or a final failure given another
     * chance. Returns false when the post does not exist or has no URL.
     */
    flagForArchive(postId: number, actor: string, now = Date.now()): boolean {
      return client
        .transaction(() => {
          if (insertRow.run(now, actor, now, now, postId).changes > 0) return true;
          const row = client.prepare('select status from archives where post_id = ?').get(postId) as
            { status: string } | undefined;
          if (!row) return false;
          if ((FINAL_FAILURES as readonly string[]).includes(row.status)) {
            client
              .prepare(
                `update archives set status = 'pending', attempts = 0, next_attempt_at = ?, requested_by = ?, updated_at = ? where post_id = ?`,
              )
              .run(now, actor, now, postId);
          }
          return true;
        })
        .immediate();
    },

    archiveStatus(postIds: readonly number[]): Map<number, ArchiveRow> {
      const out = new Map<number, ArchiveRow>();
      for (let i = 0; i < postIds.length; i += 500) {
        const batch = postIds.slice(i, i + 500);
        const rows = client
          .prepare(`select ${COLUMNS} from archives a where a.post_id in (${batch.map(() => '?').join(',')})`)
          .all(...batch) as ArchiveRow[];
        for (const r of rows) out.set(r.postId, r);
      }
      return out;
    },

    get(postId: number): ArchiveRow | undefined {
      return client.prepare(`select ${COLUMNS} from archives a where a.post_id = ?`).get(postId) as
        ArchiveRow | undefined;
    },

    /**
     * Takes one due pending row if the global rate allows, in one write transaction shared by every
     * process: the submission is logged and the row leased (next_attempt_at pushed forward) before
     * anything is sent, so two workers never submit the same post and never exceed the rate.
     */
    claimNext(
      scope: WorkScope,
      opts: { now: number; rate: number; windowMs: number; leaseMs: number },
    ): Claim {
      const { now } = opts;
      return client
        .transaction((): Claim => {
          const pause = client.prepare('select until from wayback_pause where id = 1').get() as
            { until: number } | undefined;
          if (pause && pause.until > now) return { kind: 'rate', until: pause.until };
          const s = scopeSql(scope);
          const work = client
            .prepare(
              `select ${COLUMNS}, p.url as url from archives a join posts p on p.id = a.post_id
               where a.status = 'pending' and a.next_attempt_at <= ?${s.sql} order by a.next_attempt_at, a.post_id limit 1`,
            )
            .get(now, ...s.params) as ArchiveWork | undefined;
          if (!work) return { kind: 'none' };
          // A margin (a tenth of the window, at least a second): requests leave a little after
          // their claim — later still on a loaded machine — and the Wayback Machine counts them
          // when they arrive.
          const window = opts.windowMs + Math.max(1_000, Math.ceil(opts.windowMs / 10));
          const recent = client
            .prepare('select count(*) as n, min(at) as oldest from wayback_submissions where at > ?')
            .get(now - window) as { n: number; oldest: number | null };
          if (recent.n >= opts.rate) return { kind: 'rate', until: (recent.oldest ?? now) + window + 1 };
          client.prepare('insert into wayback_submissions (at, post_id) values (?, ?)').run(now, work.postId);
          client
            .prepare('delete from wayback_submissions where at < ?')
            .run(now - Math.max(opts.windowMs, 3_600_000));
          client
            .prepare(
              'update archives set attempts = attempts + 1, next_attempt_at = ?, updated_at = ? where post_id = ?',
            )
            .run(now + opts.leaseMs, now, work.postId);
          return { kind: 'claimed', work: { ...work, attempts: work.attempts + 1 } };
        })
        .immediate();
    },

    /** Wayback asked every client of ours to slow down. */
    pause(until: number, reason: string): void {
      client
        .prepare(
          'insert into wayback_pause (id, until, reason) values (1, ?, ?) on conflict (id) do update set until = max(until, excluded.until), reason = excluded.reason',
        )
        .run(until, reason);
    },

    markSubmitted(postId: number, jobId: string, now: number, nextPollAt: number): void {
      client
        .prepare(
          `update archives set status = 'submitted', job_id = ?, submitted_at = ?, next_attempt_at = ?, last_error = null, status_ext = null, updated_at = ? where post_id = ? and status = 'pending'`,
        )
        .run(jobId, now, nextPollAt, now, postId);
    },

    /** A submitted capture is still pending: ask again at `nextPollAt`. */
    markPolled(postId: number, now: number, nextPollAt: number): void {
      client
        .prepare(
          `update archives set next_attempt_at = ?, updated_at = ? where post_id = ? and status = 'submitted'`,
        )
        .run(nextPollAt, now, postId);
    },

    /** Back to pending, to be submitted again at `nextAt`. `refund`: the attempt was not the URL's fault (rate). */
    markRetry(
      postId: number,
      o: { now: number; nextAt: number; error: string; statusExt?: string; refund?: boolean },
    ): void {
      client
        .prepare(
          `update archives set status = 'pending', job_id = null, next_attempt_at = ?, last_error = ?, status_ext = ?,
           attempts = max(0, attempts - ?), updated_at = ? where post_id = ? and status in ('pending', 'submitted')`,
        )
        .run(o.nextAt, o.error.slice(0, 500), o.statusExt ?? null, o.refund ? 1 : 0, o.now, postId);
    },

    markArchived(
      row: ArchiveRow,
      o: {
        now: number;
        captureUrl: string;
        timestamp: string;
        via: 'spn2' | 'availability';
        statusExt?: string;
      },
    ): void {
      withLedger(
        () =>
          client
            .prepare(
              `update archives set status = 'archived', capture_url = ?, capture_timestamp = ?, status_ext = ?, last_error = null,
               updated_at = ? where post_id = ? and status in ('pending', 'submitted')`,
            )
            .run(o.captureUrl, o.timestamp, o.statusExt ?? null, o.now, row.postId),
        // Another worker may have recorded the outcome first: one event per outcome.
        (r) =>
          r.changes === 0
            ? []
            : [
                {
                  type: 'archived',
                  watchId: row.watchId,
                  postId: row.postId,
                  actor: row.requestedBy === 'auto' ? 'system' : row.requestedBy,
                  at: o.now,
                  data: {
                    captureUrl: o.captureUrl,
                    timestamp: o.timestamp,
                    via: o.via,
                    ...(o.statusExt ? { statusExt: o.statusExt } : {}),
                  },
                },
              ],
      );
    },

    markFinalFailure(
      row: ArchiveRow,
      o: { now: number; status: (typeof FINAL_FAILURES)[number]; statusExt: string; error: string },
    ): void {
      withLedger(
        () =>
          client
            .prepare(
              `update archives set status = ?, status_ext = ?, last_error = ?, job_id = null, updated_at = ? where post_id = ? and status in ('pending', 'submitted')`,
            )
            .run(o.status, o.statusExt, o.error.slice(0, 500), o.now, row.postId),
        (r) =>
          r.changes === 0
            ? []
            : [
                {
                  type: 'archive_failed',
                  watchId: row.watchId,
                  postId: row.postId,
                  at: o.now,
                  data: { status: o.status, statusExt: o.statusExt, attempts: row.attempts },
                },
              ],
      );
    },

    /** Submitted captures whose status is due to be asked. */
    submittedDue(scope: WorkScope, now: number, limit = 100): ArchiveWork[] {
      const s = scopeSql(scope);
      return client
        .prepare(
          `select ${COLUMNS}, p.url as url from archives a join posts p on p.id = a.post_id
           where a.status = 'submitted' and a.next_attempt_at <= ?${s.sql} order by a.next_attempt_at limit ?`,
        )
        .all(now, ...s.params, limit) as ArchiveWork[];
    },

    /** The earliest time some unfinished row in scope is due, or undefined when none is left. */
    nextDue(scope: WorkScope): number | undefined {
      const s = scopeSql(scope);
      const row = client
        .prepare(
          `select min(a.next_attempt_at) as at from archives a where a.status in ('pending', 'submitted')${s.sql}`,
        )
        .get(...s.params) as { at: number | null };
      return row.at ?? undefined;
    },

    counts(scope: WorkScope): Record<string, number> {
      const s = scopeSql(scope);
      const rows = client
        .prepare(`select a.status, count(*) as n from archives a where 1 = 1${s.sql} group by a.status`)
        .all(...s.params) as {
        status: string;
        n: number;
      }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },

    // ── deletion watch ──────────────────────────────────────────────────────────────────────────

    /**
     * Archived posts still believed online, the least recently tried first: a post whose platform
     * keeps answering unclearly goes to the back of the line instead of filling every batch.
     */
    toRecheck(
      limit: number,
      watchId?: string,
    ): { postId: number; watchId: string; platform: string; externalId: string; url: string }[] {
      return client
        .prepare(
          `select a.post_id as postId, a.watch_id as watchId, p.platform, p.external_id as externalId, p.url
           from archives a join posts p on p.id = a.post_id
           where a.status = 'archived' and a.deleted_upstream_at is null and p.url is not null${watchId ? ' and a.watch_id = ?' : ''}
           order by coalesce(a.last_tried_at, a.last_checked_at, 0), a.post_id limit ?`,
        )
        .all(...(watchId ? [watchId] : []), limit) as {
        postId: number;
        watchId: string;
        platform: string;
        externalId: string;
        url: string;
      }[];
    },

    /** The deletion watch is about to ask about these posts (whatever the answer turns out to be). */
    markTried(postIds: readonly number[], now: number): void {
      const stmt = client.prepare('update archives set last_tried_at = ? where post_id = ?');
      client.transaction(() => {
        for (const id of postIds) stmt.run(now, id);
      })();
    },

    markChecked(postIds: readonly number[], now: number): void {
      const stmt = client.prepare('update archives set last_checked_at = ? where post_id = ?');
      client.transaction(() => {
        for (const id of postIds) stmt.run(now, id);
      })();
    },

    markDeletedUpstream(
      post: { postId: number; watchId: string },
      o: { now: number; how: string; detail?: string },
    ): void {
      withLedger(
        () =>
          client
            .prepare(
              'update archives set deleted_upstream_at = ?, last_checked_at = ? where post_id = ? and deleted_upstream_at is null',
            )
            .run(o.now, o.now, post.postId),
        (r) =>
          r.changes === 0
            ? []
            : [
                {
                  type: 'deleted_upstream',
                  watchId: post.watchId,
                  postId: post.postId,
                  at: o.now,
                  data: { how: o.how, ...(o.detail ? { detail: o.detail } : {}) },
                },
              ],
      );
    },
  };
  return repo;
}

export type ArchiveRepo = ReturnType<typeof createArchiveRepo>;
