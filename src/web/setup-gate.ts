import { timingSafeEqual } from 'node:crypto';
import { newToken, tokenHash } from './auth/tokens.ts';

export const SETUP_TOKEN_TTL_MS = 3_600_000;

/**
 * The first-run setup link. `vigie start` asks for one while no account exists and prints it;
 * the setup page accepts only that token, for an hour, once. It lives in the memory of the
 * process that printed it: a restart prints a new one, and nothing of it is stored.
 */
export function createSetupGate(ttlMs = SETUP_TOKEN_TTL_MS) {
  let current: { hash: string; expiresAt: number } | undefined;
  const matches = (token: string, now: number) => {
    if (!current || now >= current.expiresAt) return false;
    const a = Buffer.from(tokenHash(token), 'hex');
    const b = Buffer.from(current.hash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  };
  return {
    /** A new link token, replacing any earlier one. */
    issue(now = Date.now()): string {
      const token = newToken();
      current = { hash: tokenHash(token), expiresAt: now + ttlMs };
      return token;
    },
    valid(token: string, now = Date.now()): boolean {
      return matches(token, now);
    },
    /** Uses the token up: true only for the first caller with a live token. */
    consume(token: string, now = Date.now()): boolean {
      if (!matches(token, now)) return false;
      current = undefined;
      return true;
    },
  };
}

export type SetupGate = ReturnType<typeof createSetupGate>;

/** Whether a client address is this machine (the only one the setup page answers by default). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}
