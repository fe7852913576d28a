import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureStatusView } from '../../src/web/ports.ts';
import { login, makeFixture, type Fixture } from './helpers.ts';

// The overview's panel for the local capture service: a missing browser or a breaker pause is
// shown loudly, in the reader's language.

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const base: CaptureStatusView = {
  state: 'ok',
  message: null,
  browserPath: '/usr/bin/chromium',
  browserVersion: '156.0.8078.129',
  pausedUntil: null,
  lastSuccessAt: Date.UTC(2026, 10, 20, 9, 0),
};

async function overview(status: CaptureStatusView | undefined, lang: 'en' | 'fr') {
  f = await makeFixture({
    evidence: {
      recordViewed: async () => {},
      eventsForPost: async () => [],
      ...(status ? { captureStatus: async () => status } : {}),
    },
  });
  await f.addUser('owner@example.org', 'owner', ['alice']);
  const jar = await login(f.app, 'owner@example.org');
  return (
    await f.app.inject({
      method: 'GET',
      url: '/',
      headers: { cookie: jar.header(), 'accept-language': lang },
    })
  ).body;
}

describe('capture panel', () => {
  it('says loudly that no browser is there, with the reason (English and French)', async () => {
    const missing: CaptureStatusView = {
      ...base,
      state: 'missing',
      message: 'no browser at /opt/<x>/chromium: install Debian’s chromium package',
    };
    const en = await overview(missing, 'en');
    expect(en).toContain('class="capture-health attention"');
    expect(en).toContain('NO BROWSER: captures are not being made.');
    expect(en).toContain('no browser at /opt/&lt;x&gt;/chromium');
    await f!.close();
    f = undefined;
    const fr = await overview(missing, 'fr');
    expect(fr).toContain('PAS DE NAVIGATEUR : aucune capture n’est faite.');
  }, 90_000);

  it('shows a breaker pause with its end, and a working browser quietly', async () => {
    const paused = await overview(
      {
        ...base,
        state: 'paused',
        pausedUntil: Date.UTC(2026, 10, 20, 10, 15),
        message: 'after 5 browser failures in a row',
      },
      'en',
    );
    expect(paused).toContain('CAPTURES PAUSED until 2026-11-20 10:15 UTC');
    expect(paused).toContain('after 5 browser failures in a row');
    await f!.close();
    f = undefined;
    const ok = await overview(base, 'en');
    expect(ok).toContain('class="capture-health"');
    expect(ok).toContain(
      'working, last capture 2026-11-20 09:00 UTC (/usr/bin/chromium, Chromium 156.0.8078.129)',
    );
    await f!.close();
    f = undefined;
    expect(await overview(undefined, 'en')).not.toContain('capture-health');
  }, 120_000);
});
