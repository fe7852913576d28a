import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/store.ts';
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

const COLUMNS = sql.raw(`c.post_id as "postId", c.watch_id as "watchId", c.status, c.method, c.attempts,
  c.next_attempt_at as "nextAttemptAt", c.last_error as "lastError", c.requested_url as "requestedUrl",
  c.final_url as "finalUrl", c.http_status as "httpStatus", c.started_at as "startedAt",
  c.finished_at as "finishedAt", c.dir, c.files, c.ledger_id as "ledgerId", c.updated_at as "updatedAt"`);

const HEALTH_COLUMNS =
  sql.raw(`state, message, browser_path as "browserPath", browser_version as "browserVersion",
  consecutive_failures as "consecutiveFailures", paused_until as "pausedUntil",
  last_success_at as "lastSuccessAt", updated_at as "updatedAt"`);

/** The state before any capture process wrote one. */
const UNKNOWN_HEALTH: CaptureHealth = {
  state: 'unknown',
  message: null,
  browserPath: null,
  browserVersion: null,
  consecutiveFailures: 0,
  pausedUntil: null,
  lastSuccessAt: null,
  updatedAt: null,
};

/** Rows bound per `in (…)` list (SQLite binds at most 32,766 parameters). */
const IN_BATCH = 500;

type Stored<T> = Omit<T, 'files'> & { files: string | null };
const parse = <T extends CaptureRow>(r: Stored<T>): T =>
  ({ ...r, files: r.files ? (JSON.parse(r.files) as CaptureFile[]) : [] }) as T;

/** `(?, ?, …)`, or `(null)` for an empty list (matches nothing, in both dialects). */
function inList(values: readonly (number | string)[]): SQL {
  return values.length === 0
    ? sql`(null)`
    : sql`(${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`;
}

function scopeSql(scope: CaptureScope): SQL {
  const parts: SQL[] = [];
  if (scope.watchId) parts.push(sql` and c.watch_id = ${scope.watchId}`);
  if (scope.postIds) parts.push(sql` and c.post_id in ${inList(scope.postIds)}`);
  return sql.join(parts);
}

export function createCaptureRepo(store: Store, ledger: Pick<Ledger, 'appendInTx'>) {
  async function readHealth(s: Store, forUpdate: boolean): Promise<CaptureHealth> {
    const r = await s.get<CaptureHealth>(
      sql`select ${HEALTH_COLUMNS} from capture_health where id = 1${forUpdate ? sql` for update` : sql``}`,
    );
    return r ?? UNKNOWN_HEALTH;
  }

  async function writeHealth(s: Store, h: Omit<CaptureHealth, 'updatedAt'>, now: number): Promise<void> {
    await s.run(
      sql`insert into capture_health (id, state, message, browser_path, browser_version, consecutive_failures, paused_until, last_success_at, updated_at)
          values (1, ${h.state}, ${h.message}, ${h.browserPath}, ${h.browserVersion}, ${h.consecutiveFailures}, ${h.pausedUntil}, ${h.lastSuccessAt}, ${now})
          on conflict (id) do update set state = excluded.state, message = excluded.message, browser_path = excluded.browser_path,
            browser_version = excluded.browser_version, consecutive_failures = excluded.consecutive_failures,
            paused_until = excluded.paused_until, last_success_at = excluded.last_success_at, updated_at = excluded.updated_at`,
    );
  }

  return {
    /**
     * Pending rows for the posts due for archiving that have none: every post with an archive row
     * (threshold or flagged by hand), and the posts of a watch at these levels.
     */
    async enroll(scope: CaptureScope & { levels?: readonly string[] }, now: number): Promise<number> {
      const levels = scope.levels ?? [];
      const due =
        levels.length > 0
          ? sql`exists (select 1 from archives a where a.post_id = p.id) or p.level in ${inList(levels)}`
          : sql`exists (select 1 from archives a where a.post_id = p.id)`;
      const where = sql.join([
        ...(scope.watchId ? [sql` and p.watch_id = ${scope.watchId}`] : []),
        ...(scope.postIds ? [sql` and p.id in ${inList(scope.postIds)}`] : []),
      ]);
      const { changes } = await store.run(
        sql`insert into captures (post_id, watch_id, status, attempts, next_attempt_at, created_at, updated_at)
            select p.id, p.watch_id, 'pending', 0, cast(${now} as bigint), cast(${now} as bigint), cast(${now} as bigint) from posts p
            where (${due})${where}
              and (p.url is not null or p.platform = 'x')
              and not exists (select 1 from captures c where c.post_id = p.id)
            on conflict (post_id) do nothing`,
      );
      return changes;
    },

    /**
     * Takes one due pending row and leases it (next_attempt_at pushed forward). The lease is a
     * conditional update: when another process leased the same row first (PostgreSQL runs claims
     * side by side), it no longer matches and the next due row is tried.
     */
    async claimNext(
      scope: CaptureScope,
      o: { now: number; leaseMs: number },
    ): Promise<CaptureWork | undefined> {
      for (;;) {
        const claimed = await store.transaction(async (tx) => {
          const row = await tx.get<Stored<CaptureWork>>(
            sql`select ${COLUMNS}, p.platform, p.external_id as "externalId", p.url, p.raw, p.first_seen_at as "firstSeenAt"
                from captures c join posts p on p.id = c.post_id
                where c.status = 'pending' and c.next_attempt_at <= ${o.now}${scopeSql(scope)}
                order by c.next_attempt_at, c.post_id limit 1`,
          );
          if (!row) return { row: undefined };
          const { changes } = await tx.run(
            sql`update captures set attempts = attempts + 1, next_attempt_at = ${o.now + o.leaseMs}, updated_at = ${o.now}
                where post_id = ${row.postId} and status = 'pending' and next_attempt_at <= ${o.now}`,
          );
          return { row, lost: changes === 0 };
        });
        if (!claimed.row) return undefined;
        if (claimed.lost) continue;
        return parse<CaptureWork>({ ...claimed.row, attempts: claimed.row.attempts + 1 });
      }
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
    ): Promise<number> {
      return store.transaction(async (tx) => {
        const [row] = await ledger.appendInTx(tx, [event]);
        await tx.run(
          sql`update captures set status = 'captured', method = ${c.method}, requested_url = ${c.requestedUrl},
                final_url = ${c.finalUrl}, http_status = ${c.httpStatus}, started_at = ${c.startedAt},
                finished_at = ${c.finishedAt}, dir = ${c.dir}, files = ${JSON.stringify(c.files)}, ledger_id = ${row!.id},
                last_error = null, updated_at = ${c.finishedAt}
              where post_id = ${work.postId}`,
        );
        return row!.id;
      });
    },

    /** Try again at `nextAt`; `refund`: the failure was the browser's, not the post's (the attempt is not counted). */
    async markRetry(
      postId: number,
      o: { now: number; nextAt: number; error: string; refund?: boolean },
    ): Promise<void> {
      await store.run(
        sql`update captures set next_attempt_at = ${o.nextAt}, last_error = ${o.error.slice(0, 500)},
            attempts = attempts - ${o.refund ? 1 : 0}, updated_at = ${o.now} where post_id = ${postId}`,
      );
    },

    markFailed(
      work: { postId: number; watchId: string },
      o: { now: number; error: string; attempts: number },
    ): Promise<void> {
      return store.transaction(async (tx) => {
        await tx.run(
          sql`update captures set status = 'failed', last_error = ${o.error.slice(0, 500)}, updated_at = ${o.now}
              where post_id = ${work.postId}`,
        );
        await ledger.appendInTx(tx, [
          {
            type: 'capture_failed',
            watchId: work.watchId,
            postId: work.postId,
            at: o.now,
            data: { error: o.error.slice(0, 500), attempts: o.attempts },
          },
        ]);
      });
    },

    async get(postId: number): Promise<CaptureRow | undefined> {
      const r = await store.get<Stored<CaptureRow>>(
        sql`select ${COLUMNS} from captures c where c.post_id = ${postId}`,
      );
      return r && parse(r);
    },

    /** Captured rows of these posts (the dossier's files). */
    async capturedOf(postIds: readonly number[]): Promise<CaptureRow[]> {
      const out: CaptureRow[] = [];
      for (let i = 0; i < postIds.length; i += IN_BATCH) {
        const rows = await store.all<Stored<CaptureRow>>(
          sql`select ${COLUMNS} from captures c
              where c.status = 'captured' and c.post_id in ${inList(postIds.slice(i, i + IN_BATCH))} order by c.post_id`,
        );
        out.push(...rows.map((r) => parse(r)));
      }
      return out;
    },

    async recent(o: { watchId?: string; limit: number }): Promise<CaptureRow[]> {
      const rows = await store.all<Stored<CaptureRow>>(
        sql`select ${COLUMNS} from captures c where 1 = 1${scopeSql({ watchId: o.watchId })}
            order by c.updated_at desc, c.post_id desc limit ${o.limit}`,
      );
      return rows.map((r) => parse(r));
    },

    async counts(scope: CaptureScope = {}): Promise<Partial<Record<CaptureStatus, number>>> {
      const rows = await store.all<{ status: CaptureStatus; n: number | string }>(
        sql`select c.status, count(*) as n from captures c where 1 = 1${scopeSql(scope)} group by c.status`,
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    /** When the next pending row in scope is due, if any. */
    async nextDue(scope: CaptureScope): Promise<number | undefined> {
      const r = await store.get<{ at: number | string | null }>(
        sql`select min(c.next_attempt_at) as at from captures c where c.status = 'pending'${scopeSql(scope)}`,
      );
      return r?.at === null || r?.at === undefined ? undefined : Number(r.at);
    },

    health(): Promise<CaptureHealth> {
      return readHealth(store, false);
    },

    async setHealth(h: Omit<CaptureHealth, 'updatedAt'>, now: number): Promise<void> {
      await writeHealth(store, h, now);
    },

    /**
     * Reads the health, computes the next state from it and writes it, as one step for every
     * process: SQLite's write transaction admits one at a time; on PostgreSQL the row (created if
     * missing) is locked for the transaction, so two failures at once are both counted. `next`
     * returns undefined to leave the state as it is. Returns the state after the step.
     */
    updateHealth(
      next: (h: CaptureHealth) => Omit<CaptureHealth, 'updatedAt'> | undefined,
      now: number,
    ): Promise<CaptureHealth> {
      return store.transaction(async (tx) => {
        const pg = tx.dialect === 'postgres';
        if (pg)
          await tx.run(
            sql`insert into capture_health (id, state, consecutive_failures, updated_at)
                values (1, 'unknown', 0, ${now}) on conflict (id) do nothing`,
          );
        const current = await readHealth(tx, pg);
        const h = next(current);
        if (!h) return current;
        await writeHealth(tx, h, now);
        return { ...h, updatedAt: now };
      });
    },
  };
}

export type CaptureRepo = ReturnType<typeof createCaptureRepo>;
