import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeFixture, postForm, type CookieJar, type Fixture } from './helpers.ts';

// Error pages are dashboard pages: in the layout with its navigation, in the reader's language,
// saying what went wrong in words; signed out, a bare page with a way home. The API keeps JSON.

describe('error pages', () => {
  let f: Fixture;
  let proxyFr: CookieJar;
  let proxyEn: CookieJar;
  let reviewer: CookieJar;

  beforeAll(async () => {
    f = await makeFixture({ watches: ['alice'] });
    await f.addUser('proche@example.org', 'proxy', ['alice']);
    await f.addUser('proxy-en@example.org', 'proxy', ['alice']);
    await f.addUser('relecteur@example.org', 'reviewer', ['alice']);
    await f.run(
      `update users set lang = 'fr' where email in ('proche@example.org', 'relecteur@example.org')`,
    );
    await f.run(`update users set lang = 'en' where email = 'proxy-en@example.org'`);
    proxyFr = await login(f.app, 'proche@example.org');
    proxyEn = await login(f.app, 'proxy-en@example.org');
    reviewer = await login(f.app, 'relecteur@example.org');
  });
  afterAll(async () => f.close());

  const get = (url: string, jar?: CookieJar, headers: Record<string, string> = {}) =>
    f.app.inject({ method: 'GET', url, headers: { ...(jar ? { cookie: jar.header() } : {}), ...headers } });

  it('404 signed in: the layout with navigation, in French or English', async () => {
    const fr = await get('/nulle-part', proxyFr);
    expect(fr.statusCode).toBe(404);
    expect(fr.headers['content-type']).toMatch(/text\/html/);
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('<nav>');
    expect(fr.body).toContain('href="/triage"');
    expect(fr.body).toContain('Erreur 404');
    expect(fr.body).toContain('Cette page n&#39;existe pas');
    expect(fr.body).toContain('Retour à la vue d&#39;ensemble');
    expect(fr.body).not.toMatch(/not found/i);

    const en = await get('/nowhere', proxyEn);
    expect(en.statusCode).toBe(404);
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('This page does not exist');
    expect(en.body).toContain('Back to the overview');
  });

  it('404 signed out: a bare page with a way home, in the browser language, no navigation of the dashboard', async () => {
    const res = await get('/nulle-part', undefined, { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Erreur 404');
    expect(res.body).toContain('href="/"');
    expect(res.body).not.toContain('href="/triage"');
    const en = await get('/nowhere', undefined, { 'accept-language': 'en' });
    expect(en.body).toContain('Error 404');
  });

  it('403 and 404 raised by routes say what happened in the reader language', async () => {
    const forbidden = await get('/audit', reviewer);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.body).toContain('Erreur 403');
    expect(forbidden.body).toContain('Vous n&#39;avez pas le droit de faire cela.');
    expect(forbidden.body).toContain('<nav>');

    const noPost = await get('/posts/999999', proxyFr);
    expect(noPost.statusCode).toBe(404);
    expect(noPost.body).toContain('Erreur 404');

    const noWatch = await get('/triage?watch=personne', proxyFr);
    expect(noWatch.statusCode).toBe(404);
    expect(noWatch.body).toContain('Veille introuvable.');
    expect(noWatch.body).not.toContain('no such watch');
  });

  it('400: a bad form says what to fix, translated; a bad query gets the general words, never the validator text', async () => {
    const empty = await postForm(f.app, proxyFr, '/triage/bulk', { action: 'reviewed' }, '/triage');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Cochez au moins un message.');
    expect(empty.body).toContain('<nav>');

    const bad = await get('/audit?before=abc', proxyFr);
    expect([400, 403]).toContain(bad.statusCode);
    const badQuery = await get('/triage?level=pire', proxyFr);
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.body).toContain('Cette demande n&#39;a pas pu être comprise.');
    expect(badQuery.body).not.toMatch(/must be equal to one of/);
  });

  it('the API keeps its JSON errors', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not found' });
  });
});
