import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Store } from '../db/store.ts';

// Unsubscribe links carry `<recipient id>.<HMAC>`: whoever holds the link may stop that
// recipient's digests (that is the point of one-click unsubscribe), nobody can forge another one.

const PURPOSE = 'vigie-unsubscribe-digest:v1';

/** The signing key: from the configuration, else generated once and kept in the database. */
export async function unsubscribeKey(store: Store, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const { db, t } = store;
  const { alertSettings } = t;
  const read = async () =>
    (await db.select().from(alertSettings).where(eq(alertSettings.key, 'unsubscribe_key')))[0]?.value;
  const existing = await read();
  if (existing !== undefined) return existing;
  // Two processes may both get here: the first key stored wins, and both read it back.
  await db
    .insert(alertSettings)
    .values({ key: 'unsubscribe_key', value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  return (await read())!;
}

function mac(key: string, recipientId: number): string {
  return createHmac('sha256', key).update(`${PURPOSE}:${recipientId}`).digest('base64url');
}

export function signUnsubscribeToken(key: string, recipientId: number): string {
  return `${recipientId}.${mac(key, recipientId)}`;
}

/** The recipient id the token was made for, or undefined when it is malformed or forged. */
export function verifyUnsubscribeToken(key: string, token: string): number | undefined {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const id = Number(m[1]);
  const expected = Buffer.from(mac(key, id));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
}
