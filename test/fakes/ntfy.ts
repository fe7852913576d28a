// ntfy (https://docs.ntfy.sh/publish/): POST /<topic> with the message as the body and Title,
// Priority, Tags, Markdown headers (RFC 2047 encoded words decoded, as the server does); an access
// token as `Authorization: Bearer`. Answers the message as JSON, 401/403 for a bad or missing token
// on a protected server, 429 {code: 42901} when the visitor is over its limit.
// Also GET /v1/health ({"healthy": true}) and GET /v1/account: the token's account, an anonymous
// one without a token, 401 {code: 40101} for a token the server does not know.
import { startChatFake, bearer, type ChatFake } from './chat-fake.ts';

export interface NtfyMessage {
  id: string;
  topic: string;
  title: string;
  message: string;
  priority: number;
  tags: string[];
  markdown: boolean;
}

export interface FakeNtfy extends ChatFake {
  messages: NtfyMessage[];
  /** The next request(s) are over the visitor's limit. */
  rateLimitNext(times?: number): void;
}

function decodeWord(v: string): string {
  return v.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

const PRIORITIES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };

const UNAUTHORIZED = { status: 401, body: { code: 40101, http: 401, error: 'unauthorized' } };

export async function startFakeNtfy(options: { token?: string; username?: string } = {}): Promise<FakeNtfy> {
  const messages: NtfyMessage[] = [];
  let seq = 0;
  const fake = await startChatFake((req) => {
    if (req.method === 'GET' && req.path === '/v1/health') return { status: 200, body: { healthy: true } };
    if (req.method === 'GET' && req.path === '/v1/account') {
      // The server checks any Authorization header it is sent, even on an endpoint open to anonymous visitors.
      const t = bearer(req);
      if (req.headers.authorization !== undefined && (!options.token || t !== options.token))
        return UNAUTHORIZED;
      return {
        status: 200,
        body: t
          ? { username: options.username ?? 'vigie', role: 'user', language: 'en', notification: {} }
          : { username: '*', role: 'anonymous', language: 'en', notification: {} },
      };
    }
    const topic = req.path.slice(1);
    if (req.method !== 'POST' && req.method !== 'PUT')
      return { status: 405, body: { code: 40500, http: 405, error: 'method not allowed' } };
    if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic))
      return { status: 404, body: { code: 40401, http: 404, error: 'page not found' } };
    if (options.token) {
      const t = bearer(req);
      if (!t) return { status: 403, body: { code: 40301, http: 403, error: 'forbidden' } };
      if (t !== options.token) return UNAUTHORIZED;
    }
    const h = (name: string) => {
      const v = req.headers[name] ?? req.headers[`x-${name}`];
      return typeof v === 'string' ? decodeWord(v) : '';
    };
    const p = h('priority') || 'default';
    const msg: NtfyMessage = {
      id: `m${++seq}`,
      topic,
      title: h('title'),
      message: req.body,
      priority: PRIORITIES[p] ?? Number(p),
      tags: h('tags')
        ? h('tags')
            .split(',')
            .map((x) => x.trim())
        : [],
      markdown: /^(yes|true|1)$/i.test(h('markdown')),
    };
    messages.push(msg);
    return {
      status: 200,
      body: {
        id: msg.id,
        time: Math.floor(Date.now() / 1000),
        event: 'message',
        topic,
        message: msg.message,
        title: msg.title,
      },
    };
  });
  return Object.assign(fake, {
    messages,
    rateLimitNext(times = 1) {
      fake.next(
        {
          answer: {
            status: 429,
            body: { code: 42901, http: 429, error: 'limit reached: too many requests' },
          },
        },
        times,
      );
    },
  });
}
