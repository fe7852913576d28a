import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAllSchemas } from '../../src/web/app.ts';
import { login, makeFixture, type CookieJar, type Fixture } from './helpers.ts';

describe('route schemas compiled at their first request', () => {
  let f: Fixture;
  let proxy: CookieJar;
  beforeAll(async () => {
    f = await makeFixture({ watches: ['alice'] });
    await f.addUser('proche@example.org', 'proxy', ['alice']);
    proxy = await login(f.app, 'proche@example.org');
  });
  afterAll(async () => {
    await f.close();
  });

  it('validates and serializes as before, and every schema of the app compiles', async () => {
    // A querystring outside its enum is refused by the validator compiled for this request.
    const bad = await f.app.inject({
      method: 'GET',
      url: '/triage?level=pire',
      headers: { cookie: proxy.header() },
    });
    expect(bad.statusCode).toBe(400);
    // The response schema's serializer writes what the handler returned.
    const health = await f.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', db: 'ok' });

    // The rest were not compiled yet: compiling them all finds no invalid schema.
    const compiled = compileAllSchemas(f.app);
    expect(compiled).toBeGreaterThan(50);
    expect(compileAllSchemas(f.app)).toBe(0);
    const again = await f.app.inject({
      method: 'GET',
      url: '/triage?level=pire',
      headers: { cookie: proxy.header() },
    });
    expect(again.statusCode).toBe(400);
  });
});
