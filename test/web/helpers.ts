import type { JobQueue } from '../../src/jobs/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { closeDb, openDb, type Db } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';
import { silentLogger } from '../../src/logger.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo, type PostToStore } from '../../src/db/repositories/posts-repo.ts';
import { buildApp, type AppDeps } from '../../src/web/app.ts';
import { createUsersRepo, type Role } from '../../src/web/auth/users-repo.ts';
import { hashPassword } from '../../src/web/auth/passwords.ts';
import { configSchema, type WatchConfig } from '../../src/config/schema.ts';
import type { EvidencePort } from '../../src/web/ports.ts';
import { createLedger, type Ledger } from '../../src/db/ledger/ledger.ts';
import { createCaptureRepo, type CaptureRepo } from '../../src/evidence/capture/capture-repo.ts';
import { createWebPorts } from '../../src/app/web-ports.ts';
import { createSetupGate } from '../../src/web/setup-gate.ts';

export const PASSWORD = 'correct horse battery';

export function watchDef(id: string, names: string[] = ['Alice Martin']): WatchConfig {
  return {
    id,
    names,
    feeds: [`https://feeds.example.org/${id}.xml`],
    schedule: '*/5 * * * *',
    ownAccounts: [],
    words: { flag: [], never: [] },
    recipients: [],
  } as unknown as WatchConfig;
}

export interface PostSpec {
  text: string;
  handle?: string;
  name?: string;
  level?: string;
  hostile?: boolean;
  categories?: string[];
  matches?: { term: string; category: string; severity: number; start: number; end: number }[];
  url?: string;
  /** `web` unless given (e.g. `x`, with the post's id as `externalId`). */
  platform?: string;
  externalId?: string;
}

export interface Fixture {
  dir: string;
  db: Db;
  /** The async store over the same database (converted repositories take it). */
  store: Store;
  deps: AppDeps;
  app: FastifyInstance;
  /** The custody ledger the dashboard writes to. */
  ledger: Ledger;
  /** Local captures, when the test gave `capture` settings. */
  captures?: CaptureRepo;
  sourceIds: Record<string, number>;
  addPosts(watchId: string, posts: PostSpec[], seenAt?: number): Promise<number[]>;
  addUser(email: string, role: Role, watchIds: string[]): Promise<number>;
  close(): Promise<void>;
}

let counter = 0;

export async function makeFixture(
  options: {
    watches?: string[];
    evidence?: EvidencePort;
    web?: Record<string, unknown>;
    network?: Record<string, unknown>;
    notifications?: Record<string, unknown>;
    archive?: Record<string, unknown>;
    capture?: Record<string, unknown>;
    queue?: JobQueue;
    onWatchesChanged?: () => Promise<void>;
  } = {},
): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-web-'));
  const db = openDb(path.join(dir, 'vigie.db'));
  const store = createSqliteStore(db);
  const watches = createWatchesRepo(store);
  const sources = createSourcesRepo(store);
  const ledger = createLedger(store);
  const posts = createPostsRepo(store, ledger);
  const ids = options.watches ?? ['alice', 'bob'];
  await watches.syncFromConfig(ids.map((id) => watchDef(id)));
  const sourceIds: Record<string, number> = {};
  for (const id of ids) {
    await sources.syncForWatch(id, [{ kind: 'feed', target: `https://feeds.example.org/${id}.xml` }]);
    sourceIds[id] = (await sources.listEnabled(id))[0]!.id;
  }
  const log = silentLogger();
  const config = configSchema.parse({
    dataDir: dir,
    web: { ...options.web },
    network: { ...options.network },
    notifications: { ...options.notifications },
    archive: { ...options.archive },
    capture: { ...options.capture },
  });
  // The capture repository only where a test asks for captures (they launch Chromium).
  const captures = options.capture ? createCaptureRepo(store, ledger) : undefined;
  const deps: AppDeps = {
    log,
    posts,
    watches,
    sources,
    config,
    ...createWebPorts({
      store,
      log,
      config,
      watches,
      ledger,
      queue: options.queue,
      captures,
    }),
    setupGate: createSetupGate(),
    ...(options.evidence ? { evidencePort: options.evidence } : {}),
    ...(options.onWatchesChanged ? { onWatchesChanged: options.onWatchesChanged } : {}),
  };
  const app = await buildApp(deps);
  await app.ready();
  const users = createUsersRepo(store);
  const hash = await hashPassword(PASSWORD);
  return {
    dir,
    db,
    store,
    deps,
    app,
    ledger,
    captures,
    sourceIds,
    async addPosts(watchId, specs, seenAt = Date.now()) {
      const toStore: PostToStore[] = specs.map((s) => {
        const n = ++counter;
        const raw = JSON.stringify({ id: n, text: s.text, author: s.handle ?? null });
        return {
          platform: s.platform ?? 'web',
          externalId: s.externalId ?? `ext-${n}`,
          url: s.url ?? `https://example.org/post/${n}`,
          author:
            s.handle || s.name
              ? { externalId: `a-${s.handle ?? s.name}`, handle: s.handle ?? null, name: s.name ?? null }
              : null,
          text: s.text,
          lang: 'fr',
          createdAt: seenAt - 60_000,
          raw,
          rawSha256: createHash('sha256').update(raw).digest('hex'),
          score: s.level
            ? {
                score: { none: 0, low: 20, medium: 45, high: 70, severe: 90 }[s.level] ?? 0,
                level: s.level,
                hostile: s.hostile ?? ['medium', 'high', 'severe'].includes(s.level),
                categories: s.categories ?? [],
                matches: s.matches ?? [],
                targeted: true,
                version: 'test',
              }
            : null,
        };
      });
      const stored = await posts.storePage({
        watchId,
        sourceId: sourceIds[watchId]!,
        seenAt,
        posts: toStore,
      });
      return stored.map((r) => r.id);
    },
    async addUser(email, role, watchIds) {
      return (await users.upsert({ email, role, watchIds, passwordHash: hash })).id;
    },
    async close() {
      await app.close();
      closeDb(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Cookies as a header value from set-cookie answers, merged into a jar. */
export class CookieJar {
  readonly values = new Map<string, string>();
  take(setCookie: string | string[] | undefined): void {
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.values.delete(name);
      else this.values.set(name, value);
    }
  }
  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no csrf token in page');
  return m[1]!;
}

/** Signs in through the real form and returns a jar holding the session and CSRF cookies. */
export async function login(app: FastifyInstance, email: string, password = PASSWORD): Promise<CookieJar> {
  const jar = new CookieJar();
  const page = await app.inject({ method: 'GET', url: '/login' });
  jar.take(page.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: csrfFrom(page.body) }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  jar.take(res.headers['set-cookie']);
  return jar;
}

/** GETs a page with the jar, then POSTs a form to `url` with that page's CSRF token. */
export async function postForm(
  app: FastifyInstance,
  jar: CookieJar,
  url: string,
  fields: Record<string, string | string[]>,
  fromPage = '/',
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
  const page = await app.inject({ method: 'GET', url: fromPage, headers: { cookie: jar.header() } });
  jar.take(page.headers['set-cookie']);
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  body.set('_csrf', csrfFrom(page.body));
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
  jar.take(res.headers['set-cookie']);
  return res;
}
