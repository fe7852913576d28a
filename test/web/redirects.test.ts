import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sameOriginPath } from '../../src/web/safe-back.ts';
import { CookieJar, csrfFrom, login, makeFixture, PASSWORD, postForm, type Fixture } from './helpers.ts';

// Every value a browser could be sent to from `?next=` or `back=`, checked the way a browser
// resolves it: it must stay on this site.
const HOSTILE = [
  '//evil.example/x',
  '/\t/evil.example/x',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/\\evil.example',
  '/\\\\evil.example',
  '\\/evil.example',
  '/\u0000/evil.example',
  '/\u007f/evil.example',
  '/\u0085/evil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  ' /triage',
  'evil.example',
  '',
  '///evil.example',
  '/./\\evil.example',
];

function browserTarget(location: string): URL {
  return new URL(location, 'https://vigie.example.org');
}

describe('sameOriginPath()', () => {
  it('refuses every off-site, control-character or backslash value', () => {
    for (const v of HOSTILE) {
      const out = sameOriginPath(v);
      expect(out, JSON.stringify(v)).toBe('/');
    }
  });

  it('keeps local paths with their query and fragment', () => {
    expect(sameOriginPath('/triage?watch=alice&level=high#post-3')).toBe(
      '/triage?watch=alice&level=high#post-3',
    );
    expect(sameOriginPath('/posts/12')).toBe('/posts/12');
    expect(sameOriginPath('/a/../b')).toBe('/b');
  });

  it('whatever the input, the answer resolves on this origin and holds no control character or backslash', () => {
    const unit = fc.oneof(
      fc.constantFrom(
        '/',
        '\\',
        '\t',
        '\n',
        '\r',
        '.',
        ':',
        '@',
        '%',
        '?',
        '#',
        'evil.example',
        '%2F',
        '%5C',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (s) => {
        const out = sameOriginPath(s);
        expect(browserTarget(out).origin).toBe('https://vigie.example.org');
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\\]/);
        expect(out.startsWith('/') && !out.startsWith('//')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('redirects of the dashboard stay on the site', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
  });
  afterEach(async () => f.close());

  it('GET /login?next= sends a signed-in user only to a local path', async () => {
    const jar = await login(f.app, 'owner@example.org');
    for (const next of HOSTILE) {
      const res = await f.app.inject({
        method: 'GET',
        url: `/login?next=${encodeURIComponent(next)}`,
        headers: { cookie: jar.header() },
      });
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      expect(res.headers.location, JSON.stringify(next)).toBe('/');
    }
  });

  it('POST /login with a hostile next lands on the overview', async () => {
    for (const next of ['/\t/evil.example/x', '/\\evil.example', '//evil.example']) {
      const jar = new CookieJar();
      const page = await f.app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}` });
      jar.take(page.headers['set-cookie']);
      expect(page.body).not.toContain('evil.example');
      const res = await f.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          email: 'owner@example.org',
          password: PASSWORD,
          next,
          _csrf: csrfFrom(page.body),
        }).toString(),
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/');
    }
  });

  it('back= of post actions never leaves the site', async () => {
    const [id] = await f.addPosts('alice', [{ text: 'x', level: 'low' }]);
    const jar = await login(f.app, 'owner@example.org');
    for (const back of ['/\t/evil.example/x', '/\\evil.example', '/%09/evil.example']) {
      for (const [url, fields] of [
        [`/posts/${id}/status`, { status: 'reviewed', back }],
        [`/posts/${id}/reveal`, { back }],
      ] as const) {
        const res = await postForm(f.app, jar, url, fields, `/posts/${id}`);
        expect(res.statusCode, `${url} ${JSON.stringify(back)}`).toBe(303);
        const location = String(res.headers.location);
        expect(browserTarget(location).origin, location).toBe('https://vigie.example.org');
        expect(location).not.toMatch(/[\u0000-\u001f\\]/);
      }
    }
  });
});
