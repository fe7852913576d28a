// The base of the chat and push service fakes (webhook receiver, ntfy, Telegram, Matrix,
// signal-cli REST): a real HTTP server on 127.0.0.1 that routes each request to the service's
// handler, records it, and can be told to answer the next requests otherwise — an injected answer
// (5xx, 429 with the service's own rate-limit body) or `hang`: the request is processed (the
// message is delivered) and the answer never comes, the worst case for duplicates.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { listenOnLoopback, type FakeRequest, type FakeResponse } from './http-fake.ts';

export type Behaviour = { answer: FakeResponse } | 'hang';

export interface ChatFake {
  url: string;
  requests: FakeRequest[];
  /** 'request' for every request received, 'hung' when a request is left unanswered. */
  events: EventEmitter;
  /** The next request(s) get this behaviour instead of the normal answer. */
  next(behaviour: Behaviour, times?: number): void;
  waitFor(event: 'request' | 'hung', timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startChatFake(handle: (req: FakeRequest) => FakeResponse): Promise<ChatFake> {
  const requests: FakeRequest[] = [];
  const queue: Behaviour[] = [];
  const events = new EventEmitter();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const fr: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(fr);
      events.emit('request');
      const behaviour = queue.shift();
      if (behaviour && behaviour !== 'hang') {
        send(res, behaviour.answer);
        return;
      }
      let answer: FakeResponse;
      try {
        answer = handle(fr);
      } catch (err) {
        answer = { status: 500, body: { error: (err as Error).message } };
      }
      if (behaviour === 'hang') {
        events.emit('hung');
        return;
      }
      send(res, answer);
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    requests,
    events,
    next(behaviour, times = 1) {
      for (let i = 0; i < times; i++) queue.push(behaviour);
    },
    waitFor(event, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        events.once(event, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close,
  };
}

function send(res: http.ServerResponse, answer: FakeResponse): void {
  const text =
    typeof answer.body === 'string'
      ? answer.body
      : answer.body === undefined
        ? ''
        : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
    ...answer.headers,
  });
  res.end(text);
}

export function bearer(req: FakeRequest): string | undefined {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}
