// A tiny real HTTP server on 127.0.0.1 (port 0) for the Bluesky, Mastodon, Reddit and Hacker
// News fakes: routes by method + path, records requests, and can be told to answer the next
// requests with an injected response (errors, rate limits, garbage) to test failure handling.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

export interface Injected extends FakeResponse {
  /** Only requests whose path starts with this get the injected answer. */
  pathPrefix?: string;
}

export interface HttpFake {
  url: string;
  requests: FakeRequest[];
  /** The next matching request(s) get this answer instead of the real one. */
  inject(response: Injected, times?: number): void;
  close(): Promise<void>;
}

export async function startHttpFake(handle: (req: FakeRequest) => FakeResponse): Promise<HttpFake> {
  const requests: FakeRequest[] = [];
  const injected: Injected[] = [];
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
      const i = injected.findIndex((r) => !r.pathPrefix || fr.path.startsWith(r.pathPrefix));
      let answer: FakeResponse;
      if (i >= 0) answer = injected.splice(i, 1)[0]!;
      else {
        try {
          answer = handle(fr);
        } catch (err) {
          answer = { status: 500, body: { error: 'InternalServerError', message: (err as Error).message } };
        }
      }
      const text =
        typeof answer.body === 'string'
          ? answer.body
          : answer.body === undefined
            ? ''
            : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    requests,
    inject(response, times = 1) {
      for (let k = 0; k < times; k++) injected.push(response);
    },
    close,
  };
}

/**
 * Starts a fake on a free port of 127.0.0.1; close() ends every connection first, including those
 * a fake leaves hanging on purpose (trickling or never-answered bodies).
 */
export async function listenOnLoopback(
  server: http.Server,
): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): FakeResponse => ({
  status,
  body,
  headers,
});
