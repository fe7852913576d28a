import { SendError, type Mailer } from '../mailer.ts';
import { ChannelError, required, stringFields, TargetError, type Channel } from './channel.ts';

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** E-mail through the existing transport (SMTP, or the outbox folder). */
export function emailChannel(mailer: Mailer): Channel {
  return {
    kind: 'email',
    // The outbox names its file after the Message-ID, so a resend is a no-op; SMTP is not.
    idempotent: mailer.transport === 'outbox',
    configured: () => true,
    parseTarget(raw) {
      const t = stringFields(raw, ['address']);
      const address = required(t, 'address', 'an e-mail address is needed').toLowerCase();
      if (!ADDRESS.test(address)) throw new TargetError('not an e-mail address', 'address');
      return { address };
    },
    describe: (t) => t.address ?? '',
    async send(target, message, hooks) {
      try {
        const result = await mailer.send(
          {
            to: target.address!,
            subject: message.title,
            text: message.text,
            html: message.html,
            messageId: message.idempotencyKey,
            unsubscribeUrl: message.unsubscribeUrl,
            date: message.date,
          },
          hooks,
        );
        return { transport: result.transport, alreadyDelivered: result.alreadyDelivered };
      } catch (err) {
        if (err instanceof SendError)
          throw new ChannelError(err.message, err.afterCommit, err.refused, err.permanent);
        throw new ChannelError((err as Error).message, false, false, false);
      }
    },
  };
}
