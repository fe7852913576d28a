import type { Mailer } from '../alerts/mailer.ts';

/**
 * One mailer object handed to everything that sends, whose transport is replaced when the mail
 * settings change in the dashboard: senders keep their reference and use the new server at once.
 */
export function swappableMailer(initial: Mailer): Mailer & { replace(next: Mailer): void } {
  let current = initial;
  return {
    get transport() {
      return current.transport;
    },
    get from() {
      return current.from;
    },
    send: (message, hooks) => current.send(message, hooks),
    replace(next) {
      current = next;
    },
  };
}
