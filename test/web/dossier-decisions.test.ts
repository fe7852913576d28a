import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { login, makeFixture, postForm, type Fixture } from './helpers.ts';

// A proxy's review decisions and reports filed reach the custody log and the dossier; the web
// export asks for the report's language.

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
  await f.addUser('owner@example.org', 'owner', ['alice']);
  await f.addUser('proxy@example.org', 'proxy', ['alice']);
});
afterEach(async () => {
  await f?.close();
});

async function exportZip(lang: string): Promise<{ files: Record<string, Uint8Array>; file: string }> {
  const jar = await login(f.app, 'owner@example.org');
  const res = await postForm(f.app, jar, '/exports', { watch: 'alice', minLevel: 'low', lang }, '/exports');
  expect(res.statusCode).toBe(200);
  const bytes = (res as unknown as { rawPayload: Buffer }).rawPayload;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigie-dossier-')), `${lang}.zip`);
  writeFileSync(file, bytes);
  return { files: unzipSync(new Uint8Array(bytes)), file };
}

describe('review decisions and reports filed in the dossier', () => {
  it('are custody events, listed per post in report.html, posts.csv and posts.jsonl; the dossier verifies', async () => {
    const [threat, insult] = await f.addPosts('alice', [
      { text: 'je vais te retrouver', handle: 'h1', level: 'severe', categories: ['threat'] },
      { text: 'espèce de nulle', handle: 'h2', level: 'medium', categories: ['insult'] },
    ]);
    const jar = await login(f.app, 'proxy@example.org');
    const act = (fields: Record<string, string | string[]>) =>
      postForm(f.app, jar, '/triage/bulk', fields, '/triage');
    expect((await act({ ids: [String(insult)], action: 'reviewed' })).statusCode).toBe(303);
    expect(
      (
        await act({
          ids: [String(threat)],
          action: 'report',
          channel: 'pharos',
          reportedAt: '2026-03-02T10:15:00Z',
          reference: 'PH-2026-<b>042</b>',
        })
      ).statusCode,
    ).toBe(303);

    const { files, file } = await exportZip('fr');
    const ledger = strFromU8(files['ledger.jsonl']!)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; postId: number; actor: string; data: string });
    const reviewed = ledger.find((r) => r.type === 'reviewed');
    expect(reviewed).toMatchObject({ postId: insult, actor: 'proxy@example.org' });
    expect(JSON.parse(reviewed!.data)).toEqual({ status: 'reviewed' });
    const reported = ledger.find((r) => r.type === 'reported');
    expect(reported).toMatchObject({ postId: threat, actor: 'proxy@example.org' });
    expect(JSON.parse(reported!.data)).toEqual({
      channel: 'pharos',
      reportedAt: '2026-03-02T10:15:00.000Z',
      reference: 'PH-2026-<b>042</b>',
    });

    const html = strFromU8(files['report.html']!);
    expect(html).toContain('signalement PHAROS (internet-signalement.gouv.fr) — 2026-03-02 10:15:00 UTC');
    expect(html).toContain('PH-2026-&lt;b&gt;042&lt;/b&gt;');
    expect(html).not.toContain('<b>042</b>');
    expect(html).toContain('par proxy@example.org');
    expect(html).toMatch(/<dt>Décision de revue<\/dt><dd>examinée — /);
    expect(html).toContain('art. 222-17 du code pénal');
    expect(html).toContain('loi du 29 juillet 1881, art. 29');
    expect(html).toContain('art. 222-33-2-2 du code pénal');

    const csv = strFromU8(files['posts.csv']!).split('\r\n');
    const header = csv[0]!.replace('\uFEFF', '').split(',');
    expect(header.slice(-4)).toEqual(['"review_status"', '"reviewed_by"', '"reviewed_utc"', '"reports"']);
    const threatRow = csv.find((l) => l.startsWith(`"${threat}",`))!;
    expect(threatRow).toContain('"reported","proxy@example.org"');
    expect(threatRow).toContain(
      '"pharos 2026-03-02T10:15:00.000Z ref:PH-2026-<b>042</b> by:proxy@example.org"',
    );
    const posts = strFromU8(files['posts.jsonl']!)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number; review: { status: string } | null; reports: unknown[] });
    expect(posts.find((p) => p.id === insult)!.review!.status).toBe('reviewed');
    expect(posts.find((p) => p.id === threat)!.reports).toHaveLength(1);

    expect((await verifyDossier(file)).ok).toBe(true);
  });

  it('the French report shows no English level or category key; English and both as chosen in the form', async () => {
    await f.addPosts('alice', [
      { text: 'menace', handle: 'h1', level: 'severe', categories: ['threat', 'insult'] },
      { text: 'bof', handle: 'h2', level: 'low', categories: ['profanity'] },
    ]);
    const page = await f.app.inject({
      method: 'GET',
      url: '/exports',
      headers: { cookie: (await login(f.app, 'owner@example.org')).header() },
    });
    // The dashboard's language is the default choice.
    expect(page.body).toContain(
      '<select name="lang"><option value="fr">French</option><option value="en" selected>English</option><option value="both">French and English, side by side</option></select>',
    );

    const fr = strFromU8((await exportZip('fr')).files['report.html']!);
    const values = [...fr.matchAll(/<dt>(?:Niveau|Catégories)<\/dt><dd>([^<]*)<\/dd>/g)].map((m) =>
      m[1]!.replace(/ \(\d+\)$/, ''),
    );
    expect(values).toEqual(['grave', 'Menaces, Insultes', 'faible', 'Grossièretés']);
    for (const key of ['severe', 'low', 'threat', 'insult', 'profanity', 'medium', 'high'])
      expect(values.join(' ')).not.toMatch(new RegExp(`\\b${key}\\b`));
    expect(fr).toContain('<html lang="fr">');

    const en = strFromU8((await exportZip('en')).files['report.html']!);
    expect(en).toMatch(/<dt>Level<\/dt><dd>severe \(\d+\)<\/dd>/);
    expect(en).toContain('French Penal Code art. 222-17');
    const both = strFromU8((await exportZip('both')).files['report.html']!);
    expect(both).toMatch(/<dt>Niveau \/ Level<\/dt><dd>grave \/ severe \(\d+\)<\/dd>/);
  });
});
