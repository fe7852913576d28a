import { randomUUID } from 'node:crypto';
import type { LoginAttemptsRepo } from './login-attempts-repo.ts';
import type { Mailer } from '../../alerts/mailer.ts';
import type { Logger } from '../../logger.ts';
import { escapeHtml } from '../../escape-html.ts';

// Password guessing spread over many addresses defeats a per-address limit: this one counts the
// failures of an account (by the e-mail typed, whether the account exists or not, so the answer
// tells nothing), from the audit log, so it holds across restarts and processes. After
// FREE_FAILURES in a row, each attempt waits a delay that doubles with every further failure;
// the account's owner gets one mail per day when that starts.

export const FREE_FAILURES = 5;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;
const WINDOW_MS = 24 * 60 * 60_000;

export interface LoginState {
  failures: number;
  /** Epoch ms before which the account refuses attempts; 0 when it takes them. */
  lockedUntil: number;
}

export function createLoginGuard(deps: {
  attempts: LoginAttemptsRepo;
  log: Logger;
  mailer?: Mailer;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function counts(email: string): Promise<{ failures: number; last: number; ips: number }> {
    const c = await deps.attempts.failures(email.trim().toLowerCase(), now() - WINDOW_MS);
    return { failures: c.failures, last: c.last, ips: c.addresses };
  }

  function delayAfter(failures: number): number {
    if (failures < FREE_FAILURES) return 0;
    return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
  }

  return {
    /** Whether `email` may try now (read before checking the password). */
    async state(email: string): Promise<LoginState> {
      const c = await counts(email);
      const until = c.failures >= FREE_FAILURES ? c.last + delayAfter(c.failures) : 0;
      return { failures: c.failures, lockedUntil: until > now() ? until : 0 };
    },

    /** After a failure has been recorded: tells the owner once a day when the account gets locked. */
    async afterFailure(user: { id: number; email: string; lang: string | null } | undefined): Promise<void> {
      if (!user || !deps.mailer) return;
      const c = await counts(user.email);
      if (c.failures < FREE_FAILURES) return;
      const t = now();
      if (await deps.attempts.alertedSince(user.id, t - WINDOW_MS)) return;
      await deps.attempts.recordAlert(user.id, t, { failures: c.failures, addresses: c.ips });
      const fr = user.lang === 'fr';
      const subject = fr
        ? 'Vigie : tentatives de connexion échouées sur votre compte'
        : 'Vigie: failed sign-in attempts on your account';
      const text = fr
        ? `${c.failures} tentatives de connexion à votre compte Vigie (${user.email}) ont échoué, depuis ${c.ips} adresse(s). ` +
          `Chaque nouvel essai est désormais retardé. Si ce n'était pas vous, gardez un mot de passe long et activez le second facteur (page Compte).`
        : `${c.failures} attempts to sign in to your Vigie account (${user.email}) failed, from ${c.ips} address(es). ` +
          `Each further attempt is now delayed. If this was not you, keep a long password and turn on the second factor (Account page).`;
      try {
        await deps.mailer.send({
          to: user.email,
          subject,
          text,
          html: `<p>${escapeHtml(text)}</p>`,
          messageId: `<login-alert-${randomUUID()}@vigie>`,
        });
      } catch (err) {
        deps.log.warn({ err: (err as Error).message, userId: user.id }, 'login alert mail not sent');
      }
    },
  };
}

export type LoginGuard = ReturnType<typeof createLoginGuard>;
