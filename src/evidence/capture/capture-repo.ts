import type { Db } from '../../db/client.ts';
import type { Ledger, LedgerEvent } from '../../db/ledger/ledger.ts';

// SQL of the capture rows (one per post due for archiving) and of the capture service's health.
// A finished capture is written with its collection-log event in one transaction, so a row marked
// captured always has its ledger row.

export type CaptureStatus = 'pending' | 'captured' | 'failed';
export type CaptureMethod = 'page' | 'x-embed' | 'x-card';

export interface CaptureFile {
  name: string;
  sha256: string;
  size: number;
}

export interface CaptureRow {
  postId: number;
  watchId: string;
  status: CaptureStatus;
  method: CaptureMethod | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  requestedUrl: string | null;
  finalUrl: string | null;
  httpStatus: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  dir: string | null;
  files: CaptureFile[];
  ledgerId: number | null;
  updatedAt: number;
}

/** A claimed row with what the capture needs of its post. */
export interface CaptureWork extends CaptureRow {
  platform: string;
  externalId: string;
  url: string | null;
  raw: string;
  firstSeenAt: number;
}

export interface CaptureScope {
  watchId?: string;
  postIds?: readonly number[];
}

export type CaptureHealthState = 'ok' | 'missing' | 'failing' | 'paused' | 'unknown';

export interface CaptureHealth {
  state: CaptureHealthState;
  message: string | null;
  browserPath: string | null;
  browserVersion: string | null;
  consecutiveFailures: number;
  pausedUntil: number | null;
  lastSuccessAt: number | null;
  updatedAt: number | null;
}

const COLUMNS = `c.post_id as postId, c.watch_id as watchId, c.status, c.method, c.attempts, c.next_attempt_at as nextAttemptAt,
  c.last_error as lastError, c.requested_url as requestedUrl, c.final_url as finalUrl, c.http_status as httpStatus,
  c.started_at as startedAt, c.finished_at as finishedAt, c.dir, c.files, c.ledger_id as ledgerId, c.updated_at as updatedAt`;

type Stored<T> = Omit<T, 'files'> & { files: string | null };
const parse = <T extends CaptureRow>(r: Stored<T>): T =>
  ({ ...r, files: r.files ? (JSON.parse(r.files) as CaptureFile[]) : [] }) as T;

function scopeSql(scope: CaptureScope): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (scope.watchId) {
    parts.push('c.watch_id = ?');
    params.push(scope.watchId);
  }
  if (scope.postIds) {
    parts.push(`c.post_id in (${scope.postIds.map(() => '?').join(',') || 'null'})`);
    params.push(...scope.postIds);
  }
  return { sql: parts.map((p) => ` and ${p}`).join(''), params };
}

export function createCaptureRepo(db: Db, ledger: Ledger) {
  const client = db.$client;

  return {
    /**
     * Pending rows for the posts due for archiving that have none: every post with an archive row
     * (threshold or flagged by hand), and the posts of a watch at these levels.
     */
    enroll(scope: CaptureScope & { levels?: readonly string[] }, now: number): number {
      let n = 0;
      const where: string[] = [];
      const params: unknown[] = [];
      if (scope.watchId) {
        where.push('p.watch_id = ?');
        params.push(scope.watchId);
      }
      if (scope.postIds) {
        where.push(`p.id in (${scope.postIds.map(() => '?').join(',') || 'null'})`);
        params.push(...scope.postIds);
      }
      const levels = scope.levels ?? [];
      const due = [
        'exists (select 1 from archives a where a.post_id = p.id)',
        ...(levels.length > 0 ? [`p.level in (${levels.map(() => '?').join(',')})`] : []),
      ].join(' or ');
      n += client
        .prepare(
          `insert into captures (post_id, watch_id, status, attempts, next_attempt_at, created_at, updated_at)
           select p.id, p.watch_id, 'pending', 0, ?, ?, ? from posts p
           where (${due})${where.map((w) => ` and ${w}`).join('')}
             and (p.url is not null or p.platform = 'x')
             and not exists (select 1 from captures c where c.post_id = p.id)
           on conflict (post_id) do nothing`,
        )
        .run(now, now, now, ...levels, ...params).changes;
      return n;
    },

    /** Takes one due pending row and leases it (next_attempt_at pushed forward) in one write transaction. */
    claimNext(scope: CaptureScope, o: { now: number; leaseMs: number }): CaptureWork | undefined {
      return client
        .transaction(() => {
          const s = scopeSql(scope);
          const row = client
            .prepare(
              `select ${COLUMNS}, p.platform, p.external_id as externalId, p.url, p.raw, p.first_seen_at as firstSeenAt
               from captures c join posts p on p.id = c.post_id
               where c.status = 'pending' and c.next_attempt_at <= ?${s.sql}
               order by c.next_attempt_at, c.post_id limit 1`,
            )
            .get(o.now, ...s.params) as Stored<CaptureWork> | undefined;
          if (!row) return undefined;
          client
            .prepare(
              'update captures set attempts = attempts + 1, next_attempt_at = ?, updated_at = ? where post_id = ?',
            )
            .run(o.now + o.leaseMs, o.now, row.postId);
          return parse<CaptureWork>({ ...row, attempts: row.attempts + 1 });
        })
        .immediate();
    },

    /** The capture is done: its row and its collection-log event, together. Returns the ledger row id. */
    markCaptured(
      work: { postId: number; watchId: string },
      c: {
        method: CaptureMethod;
        requestedUrl: string;
        finalUrl: string | null;
        httpStatus: number | null;
        startedAt: number;
        finishedAt: number;
        dir: string;
        files: CaptureFile[];
      },
      event: LedgerEvent,
    ): number {
      return client
        .transaction(() => {
          const [row] = ledger.appendInTx(undefined, [event]);
          client
            .prepare(
              `update captures set status = 'captured', method = ?, requested_url = ?, final_url = ?, http_status = ?,
                 started_at = ?, finished_at = ?, dir = ?, files = ?, ledger_id = ?, last_error = null, updated_at = ?
               where post_id = ?`,
            )
            .run(
              c.method,
              c.requestedUrl,
              c.finalUrl,
              c.httpStatus,
              c.startedAt,
              c.finishedAt,
              c.dir,
              JSON.stringify(c.files),
              row!.id,
              c.finishedAt,
              work.postId,
            );
          return row!.id;
        })
        .immediate();
    },

    /** Try again at `nextAt`; `refund`: the failure was the browser's, not the post's (the attempt is not counted). */
    markRetry(postId: number, o: { now: number; nextAt: number; error: string; refund?: boolean }): void {
      client
        .prepare(
          `update captures set next_attempt_at = ?, last_error = ?, attempts = attempts - ?, updated_at = ? where post_id = ?`,
        )
        .run(o.nextAt, o.error.slice(0, 500), o.refund ? 1 : 0, o.now, postId);
    },

    markFailed(
      work: { postId: number; watchId: string },
      o: { now: number; error: string; attempts: number },
    ): void {
      client
        .transaction(() => {
          client
            .prepare(
              `update captures set status = 'failed', last_error = ?, updated_at = ? where post_id = ?`,
            )
            .run(o.error.slice(0, 500), o.now, work.postId);
          ledger.appendInTx(undefined, [
            {
              type: 'capture_failed',
              watchId: work.watchId,
              postId: work.postId,
              at: o.now,
              data: { error: o.error.slice(0, 500), attempts: o.attempts },
            },
          ]);
        })
        .immediate();
    },

    get(postId: number): CaptureRow | undefined {
      const r = client.prepare(`select ${COLUMNS} from captures c where c.post_id = ?`).get(postId) as
        Stored<CaptureRow> | undefined;
      return r && parse(r);
    },

    /** Captured rows of these posts (the dossier's files). */
    capturedOf(postIds: readonly number[]): CaptureRow[] {
      const out: CaptureRow[] = [];
      for (let i = 0; i < postIds.length; i += 500) {
        const batch = postIds.slice(i, i + 500);
        const rows = client
          .prepare(
            `select ${COLUMNS} from captures c where c.status = 'captured' and c.post_id in (${batch.map(() => '?').join(',')}) order by c.post_id`,
          )
          .all(...batch) as Stored<CaptureRow>[];
        out.push(...rows.map((r) => parse(r)));
      }
      return out;
    },

    recent(o: { watchId?: string; limit: number }): CaptureRow[] {
      const s = scopeSql({ watchId: o.watchId });
      return (
        client
          .prepare(
            `select ${COLUMNS} from captures c where 1 = 1${s.sql} order by c.updated_at desc, c.post_id desc limit ?`,
          )
          .all(...s.params, o.limit) as Stored<CaptureRow>[]
      ).map((r) => parse(r));
    },

    counts(scope: CaptureScope = {}): Partial<Record<CaptureStatus, number>> {
      const s = scopeSql(scope);
      const rows = client
        .prepare(`select c.status, count(*) as n from captures c where 1 = 1${s.sql} group by c.status`)
        .all(...s.params) as { status: CaptureStatus; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },

    /** When the next pending row in scope is due, if any. */
    nextDue(scope: CaptureScope): number | undefined {
      const s = scopeSql(scope);
      const r = client
        .prepare(`select min(c.next_attempt_at) as at from captures c where c.status = 'pending'${s.sql}`)
        .get(...s.params) as { at: number | null };
      return r.at ?? undefined;
    },

    health(): CaptureHealth {
      const r = client
        .prepare(
          `select state, message, browser_path as browserPath, browser_version as browserVersion,
             consecutive_failures as consecutiveFailures, paused_until as pausedUntil,
             last_success_at as lastSuccessAt, updated_at as updatedAt from capture_health where id = 1`,
        )
        .get() as CaptureHealth | undefined;
      return (
        r ?? {
          state: 'unknown',
          message: null,
          browserPath: null,
          browserVersion: null,
          consecutiveFailures: 0,
          pausedUntil: null,
          lastSuccessAt: null,
          updatedAt: null,
        }
      );
    },

    setHealth(h: Omit<CaptureHealth, 'updatedAt'>, now: number): void {
      client
        .prepare(
          `insert into capture_health (id, state, message, browser_path, browser_version, consecutive_failures, paused_until, last_success_at, updated_at)
           values (1, ?, ?, ?, ?, ?, ?, ?, ?)
           on conflict (id) do update set state = excluded.state, message = excluded.message, browser_path = excluded.browser_path,
             browser_version = excluded.browser_version, consecutive_failures = excluded.consecutive_failures,
             paused_until = excluded.paused_until, last_success_at = excluded.last_success_at, updated_at = excluded.updated_at`,
        )
        .run(
          h.state,
          h.message,
          h.browserPath,
          h.browserVersion,
          h.consecutiveFailures,
          h.pausedUntil,
          h.lastSuccessAt,
          now,
        );
    },
  };
}

export type CaptureRepo = ReturnType<typeof createCaptureRepo>;
