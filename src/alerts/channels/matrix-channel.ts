import { required, stringFields, TargetError, type Channel } from './channel.ts';
import { chatHtml, plainParts } from './chat-text.ts';
import { sendHttp, type HttpPolicy } from './http-send.ts';

export interface MatrixSettings {
  homeserverUrl?: string | undefined;
  accessToken?: string | undefined;
}

interface MatrixError {
  errcode?: string;
  error?: string;
  retry_after_ms?: number;
}

function parse(body: string): MatrixError {
  try {
    return JSON.parse(body) as MatrixError;
  } catch {
    return {};
  }
}

/** The transaction id: the message's idempotency key, reduced to URL-safe characters (stable, unique). */
export function matrixTxnId(idempotencyKey: string): string {
  return `vigie-${idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * Matrix client-server API: PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}.
 * The homeserver returns the same event for a repeated txnId of the same access token, so a retry
 * after an unknown outcome cannot post the message twice.
 */
export function matrixChannel(settings: MatrixSettings, policy: HttpPolicy): Channel {
  return {
    kind: 'matrix',
    idempotent: true,
    configured: () => !!(settings.homeserverUrl && settings.accessToken),
    parseTarget(raw) {
      const t = stringFields(raw, ['roomId']);
      const roomId = required(t, 'roomId', 'the Matrix room id is needed');
      if (!/^![^:\s]+:[A-Za-z0-9.-]+(:\d+)?$/.test(roomId))
        throw new TargetError('a room id looks like !abcdef:example.org', 'roomId');
      return { roomId };
    },
    describe: (t) => t.roomId ?? '',
    async send(target, message, hooks) {
      const { homeserverUrl, accessToken } = settings;
      if (!homeserverUrl || !accessToken)
        throw new Error('notifications.matrix.homeserverUrl and accessToken are not set');
      const { title, text } = plainParts(message.title, message.text);
      const path = `/_matrix/client/v3/rooms/${encodeURIComponent(target.roomId!)}/send/m.room.message/${encodeURIComponent(matrixTxnId(message.idempotencyKey))}`;
      await sendHttp(
        {
          url: `${homeserverUrl.replace(/\/+$/, '')}${path}`,
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
          body: JSON.stringify({
            msgtype: 'm.text',
            body: `${title}\n\n${text}`,
            format: 'org.matrix.custom.html',
            formatted_body: chatHtml(title, text, '<br>'),
          }),
          idempotent: true,
          secrets: [accessToken],
          retryAfterMs: (_res, body) => parse(body).retry_after_ms,
          describeError: (body) => {
            const e = parse(body);
            return e.errcode ? `${e.errcode} ${e.error ?? ''}`.trim().slice(0, 160) : undefined;
          },
        },
        policy,
        hooks,
      );
      return { transport: 'matrix' };
    },
  };
}
