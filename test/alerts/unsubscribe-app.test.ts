import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { setup, type Setup } from './helpers.ts';
import { buildApp } from '../../src/web/app.ts';
import { createPostsRepo } from '../../src/db/repositories/posts-repo.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { silentLogger } from '../../src/logger.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createWebPorts } from '../../src/app/web-ports.ts';
import { signUnsubscribeToken } from '../../src/alerts/unsubscribe-token.ts';

let s: Setup;
let app: FastifyInstance;

beforeEach(async () => {
  s = await setup();
  const ledger = createLedger(s.store);
  const watches = createWatchesRepo(s.store);
  const log = silentLogger();
  app = await buildApp({
    log,
    posts: createPostsRepo(s.store, ledger),
    watches,
    sources: createSourcesRepo(s.store),
    config: s.config,
    ...createWebPorts({ store: s.store, log, config: s.config, watches, ledger }),
  });
});

afterEach(async () => {
  await app.close();
  s.close();
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the unsubscribe route in the dashboard app', () => {
  it('works without a session or CSRF token (RFC 8058 one-click POST), in the recipient’s language', async () => {
    const bob = (await s.alerts.ctx.recipients.listActive()).find((r) => r.email === 'bob@example.org')!;
    const token = signUnsubscribeToken('test-secret-0123456789abcdef', bob.id);
    const page = await app.inject({ method: 'GET', url: `/unsubscribe?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Stop receiving the summary');
    expect((await s.alerts.ctx.recipients.get(bob.id))!.digestUnsubscribedAt).toBeNull(); // GET changes nothing
    const res = await app.inject({
      method: 'POST',
      url: `/unsubscribe?token=${token}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: form,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Done');
    expect((await s.alerts.ctx.recipients.get(bob.id))!.digestUnsubscribedAt).not.toBeNull();
  });

  it('refuses a token signed with another key', async () => {
    const forged = signUnsubscribeToken('another-secret-0123456789', 1);
    const res = await app.inject({
      method: 'POST',
      url: `/unsubscribe?token=${forged}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: form,
    });
    expect(res.statusCode).toBe(404);
    expect((await s.alerts.ctx.recipients.get(1))!.digestUnsubscribedAt).toBeNull();
  });
});
