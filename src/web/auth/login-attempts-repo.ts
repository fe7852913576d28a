import { sql } from 'drizzle-orm';
import type { Store } from '../../db/store.ts';

// What the per-account sign-in limit reads from the audit log (login-guard.ts).

export function createLoginAttemptsRepo(store: Store) {
  // The address a failed sign-in came from, kept in the entry's JSON detail.
  const ipOfDetail =
    store.dialect === 'sqlite' ? sql`json_extract(detail, '$.ip')` : sql`((detail::jsonb) ->> 'ip')`;
  return {
    /** Failed sign-ins of `email` (lower case) since its last success, or since `since`. */
    async failures(
      email: string,
      since: number,
    ): Promise<{ failures: number; last: number; addresses: number }> {
      const success = await store.get<{ at: number | null }>(
        sql`select max(at) as at from audit_log where action = 'login' and lower(actor) = ${email} and at > ${since}`,
      );
      const from = success?.at != null ? Number(success.at) : since;
      const row = await store.get<{ n: number; last: number | null; ips: number }>(
        sql`select count(*) as n, max(at) as last, count(distinct ${ipOfDetail}) as ips
            from audit_log where action = 'login_failed' and lower(actor) = ${email} and at > ${from}`,
      );
      return {
        failures: Number(row?.n ?? 0),
        last: Number(row?.last ?? 0),
        addresses: Number(row?.ips ?? 0),
      };
    },
    async alertedSince(userId: number, since: number): Promise<boolean> {
      const row = await store.get(
        sql`select 1 as one from audit_log where action = 'login_alert' and user_id = ${userId} and at > ${since} limit 1`,
      );
      return row !== undefined;
    },
    async recordAlert(userId: number, at: number, detail: Record<string, unknown>): Promise<void> {
      await store.run(
        sql`insert into audit_log (at, user_id, actor, action, detail) values (${at}, ${userId}, 'system', 'login_alert', ${JSON.stringify(detail)})`,
      );
    },
  };
}

export type LoginAttemptsRepo = ReturnType<typeof createLoginAttemptsRepo>;
