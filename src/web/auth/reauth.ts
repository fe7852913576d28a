import type { WebContext } from '../web-context.ts';
import { verifyPassword } from './passwords.ts';
import { totpValid } from './totp.ts';

// Acts that would let a stolen session keep the account (turning the second factor off, ending
// the owner's other sessions) ask again for what a sign-in asks: the password and, when the second
// factor is on, a current code. A wrong answer counts as a failed sign-in (the per-account limit
// of login-guard.ts applies) and is audited.

export interface ReauthAnswer {
  password?: string;
  code?: string;
}

export async function reauthenticate(
  ctx: Pick<WebContext, 'users' | 'audit' | 'loginGuard'>,
  user: { id: number; email: string },
  answer: ReauthAnswer,
  ip: string,
): Promise<boolean> {
  // A paused account (too many failures) is not asked at all, as at sign-in.
  if ((await ctx.loginGuard.state(user.email)).lockedUntil) return false;
  const account = await ctx.users.byEmail(user.email);
  let ok =
    !!account &&
    account.id === user.id &&
    (await verifyPassword(account.passwordHash, answer.password ?? ''));
  if (ok && account?.totpSecret) ok = await totpValid(account.totpSecret, answer.code);
  if (!ok)
    await ctx.audit.record({
      userId: user.id,
      actor: user.email,
      action: 'login_failed',
      detail: { ip, reauth: true },
    });
  return ok;
}

/** Form fields of a re-authentication. */
export const reauthFields = {
  password: { type: 'string', maxLength: 1024 },
  code: { type: 'string', maxLength: 12 },
} as const;
