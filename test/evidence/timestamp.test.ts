import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { buildTimestampRequest } from '../../src/evidence/tsa.ts';
import { startFakeTsa, type FakeTsa } from '../fakes/tsa.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

let tsa: FakeTsa;
let store: TestStore;

beforeAll(async () => {
  tsa = await startFakeTsa();
  store = await makeStore({ archive: { timestampAuthorityUrl: tsa.url } });
  await storePosts(store, [{ externalId: 'a', level: 'high' }]);
}, 60_000);

afterAll(async () => {
  store?.close();
  await tsa?.close();
});

describe('RFC 3161 timestamp of the manifest', () => {
  it('builds a request openssl reads as a SHA-256 imprint with a nonce', () => {
    const digest = createHash('sha256').update('manifest').digest();
    const file = path.join(store.dir, 'req.tsq');
    writeFileSync(file, buildTimestampRequest(digest, Buffer.from('0102030405060708', 'hex')));
    const text = execFileSync('openssl', ['ts', '-query', '-in', file, '-text'], { encoding: 'utf8' });
    expect(text).toContain('Hash Algorithm: sha256');
    const dumped = [...text.matchAll(/^\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){1,16})/gm)]
      .map((m) => m[1]!.replace(/[^0-9a-f]/g, ''))
      .join('');
    expect(dumped).toBe(digest.toString('hex'));
    expect(text).toContain('Nonce: 0x0102030405060708');
    expect(text).toContain('Certificate required: yes');
  });

  it('includes the token in the dossier; verify checks it and openssl verifies its signature', async () => {
    tsa.mode = 'ok';
    const zip = path.join(store.dir, 'stamped.zip');
    await writeDossier(store, { watchId: 'alice' }, zip);
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    expect(Object.keys(files)).toContain('manifest.json.tsr');
    const v = await verifyDossier(zip);
    expect(v.ok).toBe(true);
    expect(v.summary).toMatch(
      /manifest time-stamped at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ by http:\/\/127\.0\.0\.1/,
    );
    // What the report tells a reader to do, with the authority's certificate:
    const dir = path.join(store.dir, 'unzipped');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(path.join(dir, 'manifest.json'), files['manifest.json']!);
    writeFileSync(path.join(dir, 'manifest.json.tsr'), files['manifest.json.tsr']!);
    const out = execFileSync(
      'openssl',
      ['ts', '-verify', '-in', 'manifest.json.tsr', '-data', 'manifest.json', '-CAfile', tsa.certFile],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(out).toContain('Verification: OK');

    // A flipped byte in the token fails verify.
    const tsr = files['manifest.json.tsr']!;
    const at = tsr.length - 300;
    tsr[at] = tsr[at]! ^ 0x01;
    const bad = path.join(store.dir, 'bad-stamp.zip');
    writeFileSync(bad, zipSync(files));
    const v2 = await verifyDossier(bad);
    expect(v2.ok).toBe(false);
    expect(v2.firstMismatch).toContain('manifest.json.tsr');
  });

  it('refuses to export when the authority rejects the request or stamps another hash', async () => {
    tsa.mode = 'reject';
    await expect(writeDossier(store, { watchId: 'alice' }, path.join(store.dir, 'r.zip'))).rejects.toThrow(
      /refused the request \(status 2\)/,
    );
    tsa.mode = 'wrong-imprint';
    await expect(writeDossier(store, { watchId: 'alice' }, path.join(store.dir, 'w.zip'))).rejects.toThrow(
      /stamped another hash/,
    );
  });
});
