import { createHmac } from 'node:crypto';
import { required, stringFields, TargetError, type Channel } from './channel.ts';
import { plainParts } from './chat-text.ts';
import { sendHttp, type HttpPolicy } from './http-send.ts';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as the receiver recomputes it with the shared secret. */
export function webhookSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * A signed JSON POST to the person's own URL. The body carries a stable `id` (also in
 * `X-Vigie-Delivery`): a retry after an unknown outcome sends the same id, so a receiver that
 * keeps the ids it has seen gets each message exactly once. The timestamp is inside the signed
 * body too, so a captured request cannot be replayed as new.
 */
export function webhookChannel(policy: HttpPolicy): Channel {
  return {
    kind: 'webhook',
    idempotent: true,
    configured: () => true,
    parseTarget(raw) {
      const t = stringFields(raw, ['url', 'secret']);
      const url = required(t, 'url', 'the webhook URL is needed');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new TargetError('not a URL', 'url');
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        throw new TargetError('expected an http(s) URL', 'url');
      const secret = required(t, 'secret', 'a signing secret is needed (16 characters or more)');
      if (secret.length < 16)
        throw new TargetError('the signing secret needs 16 characters or more', 'secret');
      return { url: parsed.href, secret };
    },
    // The URL's path or query may hold a token of the receiver: only the origin is shown.
    describe: (t) => {
      try {
        return new URL(t.url ?? '').origin;
      } catch {
        return '';
      }
    },
    async send(target, message, hooks) {
      const { title, text } = plainParts(message.title, message.text);
      const timestamp = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({
        id: message.idempotencyKey,
        kind: message.kind,
        watch: message.watchId,
        title,
        text,
        timestamp,
      });
      await sendHttp(
        {
          url: target.url!,
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Vigie-Webhook',
            'x-vigie-signature': webhookSignature(target.secret!, body),
            'x-vigie-timestamp': String(timestamp),
            'x-vigie-delivery': message.idempotencyKey,
          },
          body,
          idempotent: true,
          secrets: [target.secret!],
        },
        policy,
        hooks,
      );
      return { transport: 'webhook' };
    },
  };
}
