// A Matrix homeserver's client-server API for sending (https://spec.matrix.org/v1.11/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid):
// PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId} with a Bearer access token.
// A repeated txnId of the same token returns the same event_id and does not post again (the
// spec's transaction idempotency). Errors in the spec's shape: M_UNKNOWN_TOKEN (401),
// M_FORBIDDEN (403, not in the room), M_LIMIT_EXCEEDED (429, retry_after_ms).
// GET /_matrix/client/v3/account/whoami answers the token's owner ({user_id, device_id, is_guest}).
import { startChatFake, bearer, type ChatFake } from './chat-fake.ts';

export interface MatrixEvent {
  eventId: string;
  roomId: string;
  txnId: string;
  content: { msgtype: string; body: string; format?: string; formatted_body?: string };
}

export interface FakeMatrix extends ChatFake {
  roomEvents: MatrixEvent[];
  rateLimitNext(retryAfterMs: number, times?: number): void;
}

function authError(token: string | undefined, accessToken: string) {
  if (!token) return { status: 401, body: { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' } };
  if (token !== accessToken)
    return {
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false },
    };
  return undefined;
}

export async function startFakeMatrix(
  accessToken: string,
  joinedRooms: readonly string[],
  userId = '@vigie:fake.local',
): Promise<FakeMatrix> {
  const roomEvents: MatrixEvent[] = [];
  const txns = new Map<string, string>();
  let seq = 0;
  const fake = await startChatFake((req) => {
    if (req.method === 'GET' && req.path === '/_matrix/client/v3/account/whoami')
      return (
        authError(bearer(req), accessToken) ?? {
          status: 200,
          body: { user_id: userId, device_id: 'VIGIEDEVICE', is_guest: false },
        }
      );
    const m = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/.exec(req.path);
    if (!m || req.method !== 'PUT')
      return { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } };
    const token = bearer(req);
    const refused = authError(token, accessToken);
    if (refused) return refused;
    const roomId = decodeURIComponent(m[1]!);
    const txnId = decodeURIComponent(m[3]!);
    if (!joinedRooms.includes(roomId))
      return { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'User not in room' } };
    const key = `${token}\u0000${txnId}`;
    const known = txns.get(key);
    if (known) return { status: 200, body: { event_id: known } };
    let content: MatrixEvent['content'];
    try {
      content = JSON.parse(req.body) as MatrixEvent['content'];
    } catch {
      return { status: 400, body: { errcode: 'M_NOT_JSON', error: 'Content not JSON.' } };
    }
    if (typeof content.body !== 'string' || typeof content.msgtype !== 'string')
      return { status: 400, body: { errcode: 'M_BAD_JSON', error: 'body and msgtype are required' } };
    const eventId = `$ev${++seq}:fake.local`;
    txns.set(key, eventId);
    roomEvents.push({ eventId, roomId, txnId, content });
    return { status: 200, body: { event_id: eventId } };
  });
  return Object.assign(fake, {
    roomEvents,
    rateLimitNext(retryAfterMs: number, times = 1) {
      fake.next(
        {
          answer: {
            status: 429,
            body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: retryAfterMs },
          },
        },
        times,
      );
    },
  });
}
