import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import type { ConfirmedImpersonation } from '../../src/evidence/impersonations-csv.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

let store: TestStore;
beforeAll(async () => {
  store = await makeStore();
  await storePosts(store, [
    { externalId: 'threat', text: 'je vais te tuer', level: 'severe', categories: ['threat'] },
  ]);
});
afterAll(() => store?.close());

const confirmed: ConfirmedImpersonation = {
  platform: 'x',
  accountId: '1234',
  handle: 'alice_rnartin',
  name: '=HYPERLINK("http://evil.example","Alice")',
  reason: 'handle alice_rnartin: confusable characters (rn→m)',
  similarity: 0.97,
  firstSeenAt: Date.UTC(2026, 10, 20, 9),
  decidedAt: Date.UTC(2026, 10, 21, 9),
};

async function dossier(list: ConfirmedImpersonation[]) {
  const file = path.join(store.dir, `dossier-${list.length}.zip`);
  await writeDossier({ ...store, confirmedImpersonations: async () => list }, { watchId: 'alice' }, file);
  return { file, files: unzipSync(new Uint8Array(readFileSync(file))) };
}

describe('confirmed impersonations in the dossier', () => {
  it('are one CSV file, listed in the manifest, verified like the rest, formulas neutralised', async () => {
    const { file, files } = await dossier([confirmed]);
    const csv = strFromU8(files['impersonations.csv']!);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      '"platform","account_id","handle","name","reason","similarity","first_seen_utc","confirmed_utc"',
    );
    expect(lines[1]).toBe(
      `"x","1234","alice_rnartin","'=HYPERLINK(""http://evil.example"",""Alice"")","handle alice_rnartin: confusable characters (rn→m)","0.97","2026-11-20T09:00:00.000Z","2026-11-21T09:00:00.000Z"`,
    );
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { files: Record<string, string> };
    expect(Object.keys(manifest.files)).toContain('impersonations.csv');
    expect((await verifyDossier(file)).ok).toBe(true);
  });

  it('no confirmed impersonation: no file', async () => {
    const { files } = await dossier([]);
    expect(files['impersonations.csv']).toBeUndefined();
  });
});
