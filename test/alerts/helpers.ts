import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { closeDb, openDb, type Db } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createPostsRepo, type PostToStore } from '../../src/db/repositories/posts-repo.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { silentLogger } from '../../src/logger.ts';
import { createAlerts } from '../../src/app/alerts-wiring.ts';
import type { Alerts } from '../../src/alerts/alerts-port.ts';
import type { Match, Category } from '../../src/scoring/index.ts';

/** Hostile words used by the fixtures: the owner's messages must contain none of them. */
export const HOSTILE_TERMS = ['connasse', 'salope', 'crève', 'tuer', 'pute', 'idiote'];
export const XSS = '<img src=x onerror=alert(1)>';

export interface Setup {
  dir: string;
  raw: Record<string, unknown>;
  config: Config;
  db: Db;
  /** The async store over the same database (the alerts repositories take it). */
  store: Store;
  alerts: Alerts;
  configFile: string;
  sourceId: number;
  close(): void;
}

export interface SetupOptions {
  smtpPort?: number;
  recipients?: Record<string, unknown>[];
  alerts?: Record<string, unknown>;
  /** More top-level configuration (notifications, network…). */
  extra?: Record<string, unknown>;
  now?: number;
}

export const OWNER = {
  email: 'alice@example.org',
  role: 'owner',
  language: 'fr',
  digest: 'daily',
  timezone: 'Europe/Paris',
};
export const PROXY = {
  email: 'bob@example.org',
  role: 'proxy',
  language: 'en',
  digest: 'daily',
  timezone: 'Europe/Paris',
};

export async function setup(options: SetupOptions = {}): Promise<Setup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-alerts-'));
  const raw: Record<string, unknown> = {
    dataDir: dir,
    log: { level: 'silent' },
    server: { publicUrl: 'https://vigie.example.org' },
    mail: {
      from: 'Vigie <vigie@example.org>',
      ...(options.smtpPort
        ? { smtp: { host: '127.0.0.1', port: options.smtpPort, secure: false, timeoutMs: 20_000 } }
        : {}),
    },
    alerts: { unsubscribeSecret: 'test-secret-0123456789abcdef', ...(options.alerts ?? {}) },
    watches: [{ id: 'alice', names: ['Alice Martin'], recipients: options.recipients ?? [OWNER, PROXY] }],
    ...(options.extra ?? {}),
  };
  const config = parseConfig(raw);
  config.dataDir = dir;
  const configFile = path.join(dir, 'vigie.yaml');
  writeFileSync(configFile, JSON.stringify(raw, null, 2));
  const db = openDb(path.join(dir, 'vigie.db'));
  const store = createSqliteStore(db);
  const watches = createWatchesRepo(store);
  await watches.syncFromConfig(config.watches);
  const sourceId = (
    db.$client
      .prepare(
        `insert into sources (watch_id, kind, target) values ('alice', 'feed', 'https://feeds.example.org/a') returning id`,
      )
      .get() as { id: number }
  ).id;
  const alerts = createAlerts({ store, config, log: silentLogger(), watches });
  await alerts.syncRecipients(options.now ?? Date.now());
  return {
    dir,
    raw,
    config,
    db,
    store,
    alerts,
    configFile,
    sourceId,
    close() {
      closeDb(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;

export interface PostSpec {
  text: string;
  /** Words of `text` that the scorer would have matched. */
  terms?: string[];
  categories?: Category[];
  level?: 'none' | 'low' | 'medium' | 'high' | 'severe';
  hostile?: boolean;
  author?: { handle: string | null; name: string | null; id?: string };
  seenAt: number;
  createdAt?: number | null;
}

/** Stores a scored post as the poll pipeline would (matches are offsets into the text). */
export async function addPost(s: Setup, spec: PostSpec): Promise<number> {
  const matches: Match[] = (spec.terms ?? []).map((term) => {
    const start = spec.text.indexOf(term);
    if (start < 0) throw new Error(`fixture: "${term}" not in text`);
    return { term, category: spec.categories?.[0] ?? 'insult', severity: 2, start, end: start + term.length };
  });
  const hostile = spec.hostile ?? (spec.terms ?? []).length > 0;
  const post: PostToStore = {
    platform: 'web',
    externalId: `p${++seq}`,
    url: `https://example.net/p${seq}`,
    author: spec.author
      ? {
          externalId: spec.author.id ?? spec.author.handle ?? `a${seq}`,
          handle: spec.author.handle,
          name: spec.author.name,
        }
      : null,
    text: spec.text,
    lang: 'fr',
    createdAt: spec.createdAt === undefined ? spec.seenAt : spec.createdAt,
    raw: JSON.stringify({ text: spec.text }),
    rawSha256: `sha-${seq}`,
    score: {
      score: hostile ? 60 : 0,
      level: spec.level ?? (hostile ? 'medium' : 'none'),
      hostile,
      categories: spec.categories ?? (hostile ? ['insult'] : []),
      matches,
      targeted: true,
      version: 'test',
    },
  };
  const [stored] = await createPostsRepo(s.store, createLedger(s.store)).storePage({
    watchId: 'alice',
    sourceId: s.sourceId,
    seenAt: spec.seenAt,
    posts: [post],
  });
  return stored!.id;
}

/** Makes the recipients look as if they had been configured at `at`. */
export async function backdateRecipients(s: Setup, at: number): Promise<void> {
  await s.store.run(sql`update recipients set created_at = ${at}`);
}
