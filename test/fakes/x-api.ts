// A fake of the four X API v2 endpoints Vigie uses, served over real HTTP on 127.0.0.1 so the
// adapter is exercised through twitter-api-v2's own transport. Bounds, patterns and shapes follow
// the official OpenAPI spec (getUsersByUsername, getUsersMentions, searchPostsRecent,
// getPostsByIds); where the spec is silent the fake copies what the live API answers.
// This file holds the HTTP server and fault injection; the data and post generator are in
// x-api-model.ts, pagination and rate limits in x-api-paging.ts, the endpoints in x-api-routes.ts
// and the error bodies and parameter checks in x-api-problems.ts.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  createXStore,
  type FakeUser,
  type GenerateOptions,
  type StoredTweet,
  type TweetInput,
} from './x-api-model.ts';
import { createRateLimiter } from './x-api-paging.ts';
import { PROBLEM } from './x-api-problems.ts';
import { route } from './x-api-routes.ts';

export type { FakeUser, GenerateOptions, StoredTweet, TweetInput, TweetJson } from './x-api-model.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The HTTP status answered (undefined while a hung request is still open). */
  status?: number;
}

export type FaultKind =
  | '429' // rate limited: x-rate-limit-remaining 0, reset `resetInSeconds` from now
  | '500'
  | '503'
  | 'malformed' // HTTP 200, application/json, body that is not JSON
  | 'bad-shape' // HTTP 200, valid JSON without the documented shape
  | 'hang' // never answers (until the server closes)
  | 'reset' // drops the connection without an answer
  | 'errors200' // the normal answer plus a partial-error `errors` array
  | 'deleteTweet'; // deletes `tweetId` just before answering (a post deleted mid-poll)

export interface FaultSpec {
  /** Which request the fault applies to: the next one (default) or the next one matching. */
  at?: 'nextRequest' | ((req: RecordedRequest) => boolean);
  kind: FaultKind;
  /** For '429': seconds until x-rate-limit-reset (default 900, i.e. a full window). */
  resetInSeconds?: number;
  /** For 'deleteTweet'. */
  tweetId?: string;
  /** How many matching requests it hits (default 1; Infinity = until cleared). */
  times?: number;
}

export interface FakeXApiOptions {
  token: string;
  host?: string;
  port?: number;
  /** Time of the first generated post, epoch ms (default 2026-01-01T00:00:00Z: deterministic ids). */
  startTime?: number;
  /** Gap between consecutive generated posts (default 1000 ms). */
  spacingMs?: number;
  /** Per-endpoint window (default 100 000 requests per 15 min: never hit unless a test asks). */
  rateLimit?: { limit: number; windowMs: number };
  /** When set, recent search refuses a since_id older than this (X: 7 days). Off by default: the
   * default generated posts are dated 2026-01-01 so that ids are deterministic. */
  recentSearchWindowMs?: number;
  /** Every answer is sent this long after the request arrived (a real API's round trip; default 0). */
  latencyMs?: number;
}

export interface FakeXApi {
  url: string;
  requests: RecordedRequest[];
  addUser(username: string, opts?: { id?: string; name?: string }): FakeUser;
  addTweets(tweets: TweetInput[]): string[];
  generateMentions(username: string, count: number, opts?: GenerateOptions): string[];
  generateSearchResults(query: string, count: number, opts?: GenerateOptions): string[];
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  deleteTweet(id: string): void;
  /** The stored post (including deleted ones), for assertions. */
  getTweet(id: string): StoredTweet | undefined;
  close(): Promise<void>;
}

export async function startFakeXApi(options: FakeXApiOptions): Promise<FakeXApi> {
  const store = createXStore({ startTime: options.startTime, spacingMs: options.spacingMs });
  const limiter = createRateLimiter(options.rateLimit ?? { limit: 100_000, windowMs: 15 * 60_000 });
  const faults: (FaultSpec & { left: number })[] = [];
  const requests: RecordedRequest[] = [];
  const hung = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();

  function takeFault(rec: RecordedRequest): FaultSpec | undefined {
    const i = faults.findIndex((f) => f.at === undefined || f.at === 'nextRequest' || f.at(rec));
    const f = faults[i];
    if (!f) return undefined;
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  }

  function send(
    res: http.ServerResponse,
    rec: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string>,
    type = 'application/json; charset=utf-8',
  ): void {
    rec.status = status;
    res.writeHead(status, { 'content-type': type, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  const latencyMs = options.latencyMs ?? 0;
  const server = http.createServer((req, res) => {
    if (latencyMs > 0) setTimeout(() => answer(req, res), latencyMs);
    else answer(req, res);
  });

  function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    requests.push(rec);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      const headers = limiter.rateHeaders('auth', false).headers;
      send(res, rec, 401, PROBLEM.unauthorized(), headers, 'application/problem+json');
      return;
    }
    const fault = takeFault(rec);
    if (fault?.kind === 'hang') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'deleteTweet' && fault.tweetId) store.deleteTweet(fault.tweetId);
    const result = route(store, options, rec.method, rec.path, url.searchParams);
    if (fault?.kind === '429') {
      const headers = limiter.spentHeaders(fault.resetInSeconds ?? 900);
      send(res, rec, 429, PROBLEM.tooMany(), headers, 'application/problem+json');
      return;
    }
    const rate = limiter.rateHeaders(result.bucket, true);
    if (rate.exhausted)
      return send(res, rec, 429, PROBLEM.tooMany(), rate.headers, 'application/problem+json');
    if (fault?.kind === '500' || fault?.kind === '503') {
      const status = Number(fault.kind);
      return send(res, rec, status, PROBLEM.server(status), rate.headers, 'application/problem+json');
    }
    if (fault?.kind === 'malformed')
      return send(res, rec, 200, '{"data":[{"id":"1","text":"trunc', rate.headers);
    if (fault?.kind === 'bad-shape')
      return send(res, rec, 200, { data: { id: 1 }, meta: 'nope' }, rate.headers);
    let body = result.body;
    if (fault?.kind === 'errors200' && result.status === 200 && body && typeof body === 'object') {
      body = { ...body, errors: [PROBLEM.notAuthorizedForResource('1')] };
    }
    send(
      res,
      rec,
      result.status,
      body,
      rate.headers,
      result.status >= 400 && result.status !== 400
        ? 'application/problem+json'
        : 'application/json; charset=utf-8',
    );
  }
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    addUser: store.addUser,
    addTweets: store.addTweets,
    generateMentions(username, count, opts = {}) {
      store.addUser(username);
      return store.generate(
        count,
        (i, a) => `@${username} message ${i} from ${a}${i % 7 === 0 ? ' — tu devrais avoir honte' : ''}`,
        opts,
        [],
      );
    },
    generateSearchResults(query, count, opts = {}) {
      return store.generate(count, (i, a) => `search hit ${i} by ${a}: ${query}`, opts, [query]);
    },
    injectFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    deleteTweet: store.deleteTweet,
    getTweet: (id) => store.tweetsById.get(id),
    close() {
      for (const res of hung) res.destroy();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
