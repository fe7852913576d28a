import { createHash, randomBytes } from 'node:crypto';

/** An opaque secret for a cookie, link or API token: 32 random bytes, URL-safe. */
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Only this digest is stored, so a copy of the database does not yield live sessions or tokens. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
