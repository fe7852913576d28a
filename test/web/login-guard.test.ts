import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOutbox } from '../../src/alerts/outbox.ts';
import { CookieJar, csrfFrom, makeFixture, PASSWORD, type Fixture } from './helpers.ts';

// Guessing one account's password from many addresses: each address stays under the per-address
// limit, the per-account limit stops it and tells the owner.

describe('per-account sign-in limit', () => {
  let f: Fixture;
  let attempt = 0;
  beforeEach(async () => {
    // Behind a reverse proxy: every attempt comes from another client address.
    f = await makeFixture({ web: { trustProxy: true, loginAttemptsPerMinute: 5 } });
    await f.addUser('owner@example.org', 'owner', ['alice']);
  });
  afterEach(async () => f.close());

  async function tryLogin(email: string, password: string) {
    const ip = `203.0.113.${(attempt++ % 200) + 1}`;
    const jar = new CookieJar();
    const page = await f.app.inject({ method: 'GET', url: '/login', headers: { 'x-forwarded-for': ip } });
    jar.take(page.headers['set-cookie']);
    return f.app.inject({
      method: 'POST',
      url: '/login',
      headers: {
        cookie: jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': ip,
      },
      payload: new URLSearchParams({ email, password, _csrf: csrfFrom(page.body) }).toString(),
    });
  }

  /** Moves every recorded attempt `ms` into the past (the back-off is measured from them). */
  const age = (ms: number) => f.run('update audit_log set at = at - ?', ms);
  const outbox = () => listOutbox(path.join(f.dir, 'outbox'));

  it('pauses an account after five failures from five addresses, then doubles the pause', async () => {
    const codes = [];
    for (let i = 0; i < 8; i++) codes.push((await tryLogin('owner@example.org', `guess-${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Even the right password waits: the answer does not tell whether a guess was right.
    const paused = await tryLogin('owner@example.org', PASSWORD);
    expect(paused.statusCode).toBe(429);
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(20);
    expect(Number(paused.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(paused.body).toContain('Too many failed attempts for this account');

    await age(31_000);
    expect((await tryLogin('owner@example.org', 'guess-again')).statusCode).toBe(401);
    const longer = await tryLogin('owner@example.org', PASSWORD);
    expect(longer.statusCode).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(longer.headers['retry-after'])).toBeLessThanOrEqual(60);

    await age(61_000);
    expect((await tryLogin('owner@example.org', PASSWORD)).statusCode).toBe(303);
    // A success starts the count again.
    expect((await tryLogin('owner@example.org', 'typo')).statusCode).toBe(401);
    expect((await tryLogin('owner@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('mails the owner once when the pause starts, not at every further failure', async () => {
    for (let i = 0; i < 4; i++) await tryLogin('owner@example.org', `guess-${i}`);
    expect(outbox()).toEqual([]);
    await tryLogin('owner@example.org', 'guess-4');
    for (let round = 0; round < 3; round++) {
      await age(10 * 60_000);
      await tryLogin('owner@example.org', `again-${round}`);
    }
    const mails = outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'owner@example.org' });
    expect(mails[0]!.subject).toMatch(/failed sign-in attempts/);
  });

  it('answers an unknown address exactly like a known one (no account enumeration)', async () => {
    const known = [];
    const unknown = [];
    for (let i = 0; i < 7; i++) {
      known.push((await tryLogin('owner@example.org', `g${i}`)).statusCode);
      unknown.push((await tryLogin('nobody@example.org', `g${i}`)).statusCode);
    }
    expect(unknown).toEqual(known);
    expect(outbox().map((m) => m.to)).toEqual(['owner@example.org']);
  });
});
