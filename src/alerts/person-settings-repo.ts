import { eq } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import type { DigestSetting } from './recipients-repo.ts';

/** A person's own notification settings; null follows each watch's configured recipient entry. */
export interface PersonSettings {
  digest: DigestSetting | null;
  quietHours: { from: string; to: string } | null;
  timeZone: string | null;
}

export const DIGEST_SETTINGS: readonly DigestSetting[] = ['hourly', 'daily', 'weekly', 'off'];
const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export function isClockTime(s: string): boolean {
  return CLOCK.test(s);
}

export function isTimeZone(s: string): boolean {
  if (!s || s.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

/** The notification columns of the `users` row: the one record of a person. */
export function createPersonSettingsRepo(store: Store) {
  const { db, t } = store;
  const { users } = t;
  return {
    async get(userId: number): Promise<PersonSettings | undefined> {
      const [row] = await db
        .select({ digest: users.digest, from: users.quietFrom, to: users.quietTo, tz: users.timeZone })
        .from(users)
        .where(eq(users.id, userId));
      if (!row) return undefined;
      return {
        digest: (row.digest as DigestSetting | null) ?? null,
        quietHours: row.from && row.to ? { from: row.from, to: row.to } : null,
        timeZone: row.tz,
      };
    },

    async save(userId: number, s: PersonSettings): Promise<void> {
      await db
        .update(users)
        .set({
          digest: s.digest,
          quietFrom: s.quietHours?.from ?? null,
          quietTo: s.quietHours?.to ?? null,
          timeZone: s.timeZone,
        })
        .where(eq(users.id, userId));
    },
  };
}

export type PersonSettingsRepo = ReturnType<typeof createPersonSettingsRepo>;
