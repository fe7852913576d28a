import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
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

const COLUMNS = sql.raw(`a.post_id as "postId", a.watch_id as "watchId", a.status, a.job_id as "jobId",
  a.capture_url as "captureUrl", a.capture_timestamp as "captureTimestamp", a.attempts,
  a.next_attempt_at as "nextAttemptAt", a.submitted_at as "submittedAt", a.last_error as "lastError",
  a.status_ext as "statusExt", a.requested_by as "requestedBy", a.created_at as "createdAt",
  a.updated_at as "updatedAt", a.last_checked_at as "lastCheckedAt", a.deleted_upstream_at as "deletedUpstreamAt"`);

/** Rows bound per `in (…)` list (SQLite binds at most 32,766 parameters). */
const IN_BATCH = 500;

function scopeSql(scope: WorkScope): SQL {
  const parts: SQL[] = [];
  if (scope.watchId) parts.push(sql` and a.watch_id = ${scope.watchId}`);
  if (scope.postIds) parts.push(sql` and a.post_id in ${inList(scope.postIds)}`);
  return sql.join(parts);
}

/** `(?, ?, …)`, or `(null)` for an empty list (matches nothing, in both dialects). */
function inList(values: readonly (number | string)[]): SQL {
  return values.length === 0
    ? sql`(null)`
    : sql`(${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`;
}

export function createArchiveRepo(store: Store, ledger: Pick<Ledger, 'appendInTx'>) {
  // The larger of two values: SQLite's scalar max(), PostgreSQL's greatest().
  const greatest = sql.raw(store.dialect === 'postgres' ? 'greatest' : 'max');

  /** A pending row for the post (when it has a URL and no row yet); how many rows were created. */
  const insertRow = async (s: Store, postId: number, requestedBy: string, now: number) =>
    (
      await s.run(
        sql`insert into archives (post_id, watch_id, status, attempts, next_attempt_at, requested_by, created_at, updated_at)
            select p.id, p.watch_id, 'pending', 0, cast(${now} as bigint), ${requestedBy}, cast(${now} as bigint), cast(${now} as bigint)
            from posts p where p.id = ${postId} and p.url is not null
            on conflict (post_id) do nothing`,
      )
    ).changes;

  /** A state change that is evidence, with its ledger event (none when the change did not happen). */
  function withLedger(change: SQL, events: () => LedgerEvent[]): Promise<void> {
    return store.transaction(async (tx) => {
      const { changes } = await tx.run(change);
      // Another worker may have recorded the outcome first: one event per outcome.
      if (changes > 0) await ledger.appendInTx(tx, events());
    });
  }

  const repo = {
    /** Creates pending rows for the watch's posts at these levels that have none yet. Returns how many. */
    async enrollByLevel(watchId: string, levels: readonly string[], now: number): Promise<number> {
      if (levels.length === 0) return 0;
      const { changes } = await store.run(
        sql`insert into archives (post_id, watch_id, status, attempts, next_attempt_at, requested_by, created_at, updated_at)
            select p.id, p.watch_id, 'pending', 0, cast(${now} as bigint), 'auto', cast(${now} as bigint), cast(${now} as bigint) from posts p
            where p.watch_id = ${watchId} and p.level in ${inList(levels)} and p.url is not null
              and not exists (select 1 from archives a where a.post_id = p.id)
            on conflict (post_id) do nothing`,
      );
      return changes;
    },

    /** Pending rows for these posts (no-op for posts already having one). */
    enrollPosts(postIds: readonly number[], requestedBy: string, now: number): Promise<number> {
      return store.transaction(async (tx) => {
        let n = 0;
        for (const id of postIds) n += await insertRow(tx, id, requestedBy, now);
        return n;
      });
    },

    /**
     * A proxy asks for this post to be archived: a new pending row, or a final failure given another
     * chance. Returns false when the post does not exist or has no URL.
     */
    flagForArchive(postId: number, actor: string, now = Date.now()): Promise<boolean> {
      return store.transaction(async (tx) => {
        if ((await insertRow(tx, postId, actor, now)) > 0) return true;
        const row = await tx.get<{ status: string }>(
          sql`select status from archives where post_id = ${postId}`,
        );
        if (!row) return false;
        if ((FINAL_FAILURES as readonly string[]).includes(row.status)) {
          await tx.run(
            sql`update archives set status = 'pending', attempts = 0, next_attempt_at = ${now}, requested_by = ${actor},
                updated_at = ${now} where post_id = ${postId}`,
          );
        }
        return true;
      });
    },

    async archiveStatus(postIds: readonly number[]): Promise<Map<number, ArchiveRow>> {
      const out = new Map<number, ArchiveRow>();
      for (let i = 0; i < postIds.length; i += IN_BATCH) {
        const rows = await store.all<ArchiveRow>(
          sql`select ${COLUMNS} from archives a where a.post_id in ${inList(postIds.slice(i, i + IN_BATCH))}`,
        );
        for (const r of rows) out.set(r.postId, r);
      }
      return out;
    },

    get(postId: number): Promise<ArchiveRow | undefined> {
      return store.get<ArchiveRow>(sql`select ${COLUMNS} from archives a where a.post_id = ${postId}`);
    },

    /**
     * Takes one due pending row if the global rate allows, in one write transaction shared by every
     * process: the submission is logged and the row leased (next_attempt_at pushed forward) before
     * anything is sent, so two workers never submit the same post and never exceed the rate.
     * Claims take turns: SQLite's BEGIN IMMEDIATE admits one writer at a time; on PostgreSQL the
     * pause row (created if missing) is locked first, so the count of recent submissions and the
     * insert that follows it are never interleaved with another process's claim.
     */
    claimNext(
      scope: WorkScope,
      opts: { now: number; rate: number; windowMs: number; leaseMs: number },
    ): Promise<Claim> {
      const { now } = opts;
      return store.transaction(async (tx): Promise<Claim> => {
        if (tx.dialect === 'postgres')
          await tx.run(
            sql`insert into wayback_pause (id, until, reason) values (1, 0, null) on conflict (id) do nothing`,
          );
        const pause = await tx.get<{ until: number }>(
          sql`select until from wayback_pause where id = 1${tx.dialect === 'postgres' ? sql` for update` : sql``}`,
        );
        if (pause && Number(pause.until) > now) return { kind: 'rate', until: Number(pause.until) };
        const work = await tx.get<ArchiveWork>(
          sql`select ${COLUMNS}, p.url as url from archives a join posts p on p.id = a.post_id
              where a.status = 'pending' and a.next_attempt_at <= ${now}${scopeSql(scope)}
              order by a.next_attempt_at, a.post_id limit 1`,
        );
        if (!work) return { kind: 'none' };
        // A margin (a tenth of the window, at least a second): requests leave a little after
        // their claim — later still on a loaded machine — and the Wayback Machine counts them
        // when they arrive.
        const window = opts.windowMs + Math.max(1_000, Math.ceil(opts.windowMs / 10));
        const recent = (await tx.get<{ n: number | string; oldest: number | string | null }>(
          sql`select count(*) as n, min(at) as oldest from wayback_submissions where at > ${now - window}`,
        ))!;
        if (Number(recent.n) >= opts.rate)
          return { kind: 'rate', until: (recent.oldest === null ? now : Number(recent.oldest)) + window + 1 };
        await tx.run(sql`insert into wayback_submissions (at, post_id) values (${now}, ${work.postId})`);
        await tx.run(
          sql`delete from wayback_submissions where at < ${now - Math.max(opts.windowMs, 3_600_000)}`,
        );
        await tx.run(
          sql`update archives set attempts = attempts + 1, next_attempt_at = ${now + opts.leaseMs}, updated_at = ${now}
              where post_id = ${work.postId}`,
        );
        return { kind: 'claimed', work: { ...work, attempts: work.attempts + 1 } };
      });
    },

    /** Wayback asked every client of ours to slow down. */
    async pause(until: number, reason: string): Promise<void> {
      await store.run(
        sql`insert into wayback_pause (id, until, reason) values (1, ${until}, ${reason})
            on conflict (id) do update set until = ${greatest}(wayback_pause.until, excluded.until), reason = excluded.reason`,
      );
    },

    async markSubmitted(postId: number, jobId: string, now: number, nextPollAt: number): Promise<void> {
      await store.run(
        sql`update archives set status = 'submitted', job_id = ${jobId}, submitted_at = ${now}, next_attempt_at = ${nextPollAt},
            last_error = null, status_ext = null, updated_at = ${now} where post_id = ${postId} and status = 'pending'`,
      );
    },

    /** A submitted capture is still pending: ask again at `nextPollAt`. */
    async markPolled(postId: number, now: number, nextPollAt: number): Promise<void> {
      await store.run(
        sql`update archives set next_attempt_at = ${nextPollAt}, updated_at = ${now} where post_id = ${postId} and status = 'submitted'`,
      );
    },

    /** Back to pending, to be submitted again at `nextAt`. `refund`: the attempt was not the URL's fault (rate). */
    async markRetry(
      postId: number,
      o: { now: number; nextAt: number; error: string; statusExt?: string; refund?: boolean },
    ): Promise<void> {
      await store.run(
        sql`update archives set status = 'pending', job_id = null, next_attempt_at = ${o.nextAt}, last_error = ${o.error.slice(0, 500)},
            status_ext = ${o.statusExt ?? null}, attempts = ${greatest}(0, attempts - ${o.refund ? 1 : 0}), updated_at = ${o.now}
            where post_id = ${postId} and status in ('pending', 'submitted')`,
      );
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
    ): Promise<void> {
      return withLedger(
        sql`update archives set status = 'archived', capture_url = ${o.captureUrl}, capture_timestamp = ${o.timestamp},
            status_ext = ${o.statusExt ?? null}, last_error = null, updated_at = ${o.now}
            where post_id = ${row.postId} and status in ('pending', 'submitted')`,
        () => [
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
    ): Promise<void> {
      return withLedger(
        sql`update archives set status = ${o.status}, status_ext = ${o.statusExt}, last_error = ${o.error.slice(0, 500)},
            job_id = null, updated_at = ${o.now} where post_id = ${row.postId} and status in ('pending', 'submitted')`,
        () => [
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
    submittedDue(scope: WorkScope, now: number, limit = 100): Promise<ArchiveWork[]> {
      return store.all<ArchiveWork>(
        sql`select ${COLUMNS}, p.url as url from archives a join posts p on p.id = a.post_id
            where a.status = 'submitted' and a.next_attempt_at <= ${now}${scopeSql(scope)}
            order by a.next_attempt_at limit ${limit}`,
      );
    },

    /** The earliest time some unfinished row in scope is due, or undefined when none is left. */
    async nextDue(scope: WorkScope): Promise<number | undefined> {
      const row = await store.get<{ at: number | string | null }>(
        sql`select min(a.next_attempt_at) as at from archives a where a.status in ('pending', 'submitted')${scopeSql(scope)}`,
      );
      return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
    },

    async counts(scope: WorkScope): Promise<Record<string, number>> {
      const rows = await store.all<{ status: string; n: number | string }>(
        sql`select a.status, count(*) as n from archives a where 1 = 1${scopeSql(scope)} group by a.status`,
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    // ── deletion watch ──────────────────────────────────────────────────────────────────────────

    /**
     * Archived posts still believed online, the least recently tried first: a post whose platform
     * keeps answering unclearly goes to the back of the line instead of filling every batch.
     */
    toRecheck(
      limit: number,
      watchId?: string,
    ): Promise<{ postId: number; watchId: string; platform: string; externalId: string; url: string }[]> {
      return store.all(
        sql`select a.post_id as "postId", a.watch_id as "watchId", p.platform, p.external_id as "externalId", p.url
            from archives a join posts p on p.id = a.post_id
            where a.status = 'archived' and a.deleted_upstream_at is null and p.url is not null${watchId ? sql` and a.watch_id = ${watchId}` : sql``}
            order by coalesce(a.last_tried_at, a.last_checked_at, 0), a.post_id limit ${limit}`,
      );
    },

    /** The deletion watch is about to ask about these posts (whatever the answer turns out to be). */
    async markTried(postIds: readonly number[], now: number): Promise<void> {
      for (let i = 0; i < postIds.length; i += IN_BATCH)
        await store.run(
          sql`update archives set last_tried_at = ${now} where post_id in ${inList(postIds.slice(i, i + IN_BATCH))}`,
        );
    },

    async markChecked(postIds: readonly number[], now: number): Promise<void> {
      for (let i = 0; i < postIds.length; i += IN_BATCH)
        await store.run(
          sql`update archives set last_checked_at = ${now} where post_id in ${inList(postIds.slice(i, i + IN_BATCH))}`,
        );
    },

    markDeletedUpstream(
      post: { postId: number; watchId: string },
      o: { now: number; how: string; detail?: string },
    ): Promise<void> {
      return withLedger(
        sql`update archives set deleted_upstream_at = ${o.now}, last_checked_at = ${o.now}
            where post_id = ${post.postId} and deleted_upstream_at is null`,
        () => [
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
