import type { Db } from '../../db/client.ts';

// What the per-account sign-in limit reads from the audit log (login-guard.ts).

export function createLoginAttemptsRepo(db: Db) {
  const client = db.$client;
  const lastSuccess = client.prepare(
    `select max(at) as at from audit_log where action = 'login' and lower(actor) = ? and at > ?`,
  );
  const failuresSince = client.prepare(
    `select count(*) as n, max(at) as last, count(distinct json_extract(detail, '$.ip')) as ips
       from audit_log where action = 'login_failed' and lower(actor) = ? and at > ?`,
  );
  const alertSince = client.prepare(
    `select 1 from audit_log where action = 'login_alert' and user_id = ? and at > ? limit 1`,
  );
  const recordAlert = client.prepare(
    `insert into audit_log (at, user_id, actor, action, detail) values (?, ?, 'system', 'login_alert', ?)`,
  );
  return {
    /** Failed sign-ins of `email` (lower case) since its last success, or since `since`. */
    failures(email: string, since: number): { failures: number; last: number; addresses: number } {
      const success = (lastSuccess.get(email, since) as { at: number | null }).at ?? since;
      const row = failuresSince.get(email, success) as { n: number; last: number | null; ips: number };
      return { failures: row.n, last: row.last ?? 0, addresses: row.ips };
    },
    alertedSince(userId: number, since: number): boolean {
      return alertSince.get(userId, since) !== undefined;
    },
    recordAlert(userId: number, at: number, detail: Record<string, unknown>): void {
      recordAlert.run(at, userId, JSON.stringify(detail));
    },
  };
}

export type LoginAttemptsRepo = ReturnType<typeof createLoginAttemptsRepo>;
