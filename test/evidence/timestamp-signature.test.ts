import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { buildTimestampRequest, parseTimestampResponse } from '../../src/evidence/tsa.ts';
import { checkTimestampSigner } from '../../src/evidence/tsa-signer.ts';
import { startFakeTsa, type FakeTsa, type TsaSigner } from '../fakes/tsa.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

// `vigie verify` checks the CMS signature of the manifest's RFC 3161 token with node:crypto alone:
// real tokens from openssl (the fake authority), then the same tokens altered, or signed by
// certificates an authority must not use. A tampered token goes in with a recomputed
// manifest.json.sha256, as someone altering the dossier would do, so that only the signature check
// stands in the way.

let tsa: FakeTsa;
let store: TestStore;
let files: Record<string, Uint8Array>;
let manifestSha: Buffer;
let zip: string;
let n = 0;

const cert = (file: string) => new X509Certificate(readFileSync(file));
const fingerprint = (file: string) => cert(file).fingerprint256.toLowerCase();

beforeAll(async () => {
  tsa = await startFakeTsa();
  store = await makeStore({ archive: { timestampAuthorityUrl: tsa.url } });
  await storePosts(store, [{ externalId: 'a', level: 'high' }]);
  zip = path.join(store.dir, 'stamped.zip');
  await writeDossier(store, { watchId: 'alice' }, zip);
  files = unzipSync(new Uint8Array(readFileSync(zip)));
  manifestSha = createHash('sha256').update(files['manifest.json']!).digest();
}, 60_000);

afterAll(async () => {
  store?.close();
  await tsa?.close();
});

/** A token for the dossier's manifest from the fake authority, signed by `signer`. */
async function stamp(signer: TsaSigner, certReq = true): Promise<Buffer> {
  tsa.signer = signer;
  const nonce = Buffer.from('0102030405060708', 'hex');
  const query = buildTimestampRequest(manifestSha, nonce, certReq);
  const res = await fetch(tsa.url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: query,
  });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** The dossier with `tsr` as its manifest timestamp, and manifest.json.sha256 to match. */
function withToken(tsr: Uint8Array): string {
  const sums = Buffer.from(files['manifest.json.sha256']!).toString('utf8').split('\n');
  sums[1] = `${createHash('sha256').update(tsr).digest('hex')}  manifest.json.tsr`;
  const out = path.join(store.dir, `token-${++n}.zip`);
  writeFileSync(
    out,
    zipSync({ ...files, 'manifest.json.tsr': tsr, 'manifest.json.sha256': Buffer.from(sums.join('\n')) }),
  );
  return out;
}

function vigie(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/vigie.js', ...args], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the signature of the manifest timestamp, checked by vigie verify', () => {
  it('an RSA token verifies; the summary names the signer and its certificate SHA-256', async () => {
    const v = await verifyDossier(zip);
    expect(v.summary).toContain(
      `, signature valid (signed by CN=Vigie test TSA, certificate SHA-256 ${fingerprint(tsa.certFile)})`,
    );
    expect(v.ok).toBe(true);
  });

  it('an ECDSA P-256 token (SHA-384) is accepted at export and verifies', async () => {
    tsa.signer = 'ec';
    const out = path.join(store.dir, 'ec.zip');
    await writeDossier(store, { watchId: 'alice' }, out);
    const v = await verifyDossier(out);
    expect(v.summary).toContain(
      `signature valid (signed by CN=Vigie test EC TSA, certificate SHA-256 ${fingerprint(tsa.certFiles.ec)})`,
    );
    expect(v.ok).toBe(true);
  });

  it('fails when a byte of the signature is flipped', async () => {
    const tsr = Buffer.from(files['manifest.json.tsr']!);
    // openssl puts no unsigned attributes after the signature: the token ends with its 256 bytes.
    tsr[tsr.length - 10]! ^= 0x01;
    const v = await verifyDossier(withToken(tsr));
    expect(v.ok).toBe(false);
    expect(v.firstMismatch).toBe(
      "manifest.json.tsr: the signature does not verify with the signer certificate's key",
    );
  });

  it('fails when the time in the TSTInfo is changed: it no longer matches the signed digest', async () => {
    const tsr = Buffer.from(files['manifest.json.tsr']!);
    const genTime = parseTimestampResponse(tsr).genTime.replace(/[-:T]/g, ''); // as GeneralizedTime
    const at = tsr.indexOf(genTime, 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    tsr[at + 3]! ^= 0x01; // one year earlier or later
    expect(parseTimestampResponse(tsr).genTime).not.toBe(
      parseTimestampResponse(files['manifest.json.tsr']!).genTime,
    );
    const v = await verifyDossier(withToken(tsr));
    expect(v.firstMismatch).toBe(
      'manifest.json.tsr: the content does not match the signed message digest: it was changed after signing',
    );
    expect(v.ok).toBe(false);
  });

  it('a certificate without the timeStamping key usage: export refuses the token, verify fails', async () => {
    const reason = 'the signer certificate (CN=Vigie test no-EKU) is not for time-stamping';
    tsa.signer = 'no-eku';
    await expect(writeDossier(store, { watchId: 'alice' }, path.join(store.dir, 'n.zip'))).rejects.toThrow(
      `the timestamp authority's token does not verify: ${reason}`,
    );
    const v = await verifyDossier(withToken(await stamp('no-eku')));
    expect(v.ok).toBe(false);
    expect(v.firstMismatch).toContain(`manifest.json.tsr: ${reason}`);
  });

  it.each([
    ['no-ess' as const, 'the signature has no signing-certificate attribute'],
    ['pss' as const, 'unsupported signature algorithm RSASSA-PSS; check this token with openssl ts -verify'],
  ])('a %s token fails with the reason', async (signer, reason) => {
    const v = await verifyDossier(withToken(await stamp(signer)));
    expect(v.firstMismatch).toBe(`manifest.json.tsr: ${reason}`);
    expect(v.ok).toBe(false);
  });

  it('fails when the token does not include the signer certificate', async () => {
    const v = await verifyDossier(withToken(await stamp('rsa', false)));
    expect(v.firstMismatch).toBe("manifest.json.tsr: the token does not include the signer's certificate");
    expect(v.ok).toBe(false);
  });

  it('fails when the time-stamp time is outside the signer certificate validity', () => {
    const info = parseTimestampResponse(files['manifest.json.tsr']!);
    expect(checkTimestampSigner(info.signedData, info.genTimeMs).subject).toBe('CN=Vigie test TSA');
    const day = 86_400_000;
    for (const at of [info.genTimeMs - day, info.genTimeMs + 3 * day])
      expect(() => checkTimestampSigner(info.signedData, at)).toThrow(
        /^the time-stamp time \S+ is outside the validity of the signer certificate \(CN=Vigie test TSA: /,
      );
  });
});

describe('vigie verify --tsa-cert: the authority pinned by its certificate', () => {
  it('passes with the authority certificate, fails with another, refuses a file without one', async () => {
    const ok = await vigie('verify', zip, '--tsa-cert', tsa.certFile);
    expect(ok.stdout).toContain(
      `signed by CN=Vigie test TSA, certificate SHA-256 ${fingerprint(tsa.certFile)}, the given authority certificate)`,
    );
    expect(ok.code).toBe(0);

    const ko = await vigie('verify', zip, '--tsa-cert', tsa.certFiles.ec);
    expect(ko.stdout).toBe(
      `NOT intact: manifest.json.tsr: the signer certificate (CN=Vigie test TSA, SHA-256 ${fingerprint(tsa.certFile)}) is neither the given authority certificate nor issued by it\n`,
    );
    expect(ko.code).toBe(1);

    const bad = await vigie('verify', zip, '--tsa-cert', zip);
    expect(bad.stderr).toBe(`vigie: --tsa-cert: ${zip} holds no readable certificate (PEM or DER)\n`);
    expect(bad.code).toBe(2);
  }, 60_000);

  it('passes for a certificate issued by the given one, not for a certificate it did not issue', async () => {
    const issued = withToken(await stamp('issued'));
    const root = [cert(tsa.certFiles.ca)];
    const v = await verifyDossier(issued, { tsaCerts: root });
    expect(v.summary).toContain(
      `signed by O=Vigie test, CN=Vigie test issued TSA, certificate SHA-256 ${fingerprint(tsa.certFiles.issued)}, issued by the given authority certificate O=Vigie test, CN=Vigie test root)`,
    );
    expect(v.ok).toBe(true);
    // Not issued by: a CA with the root's name and key identifier (both public) but another key; a
    // certificate with the root's name and key that is not a CA; the self-signed TSA certificate,
    // which holds the same key; and the root, for the self-signed one.
    const refused = /is neither the given authority certificate nor issued by it$/;
    for (const other of [tsa.certFiles['impostor-ca'], tsa.certFiles['root-not-ca'], tsa.certFile])
      expect((await verifyDossier(issued, { tsaCerts: [cert(other)] })).firstMismatch).toMatch(refused);
    expect((await verifyDossier(zip, { tsaCerts: root })).firstMismatch).toMatch(refused);
  });

  it('fails on a dossier without a timestamp', async () => {
    const plain = await makeStore();
    try {
      await storePosts(plain, [{ externalId: 'a', level: 'high' }]);
      const out = path.join(plain.dir, 'plain.zip');
      await writeDossier(plain, { watchId: 'alice' }, out);
      expect((await verifyDossier(out)).ok).toBe(true);
      const v = await verifyDossier(out, { tsaCerts: [cert(tsa.certFile)] });
      expect(v.firstMismatch).toBe('an authority certificate was given but the dossier holds no timestamp');
      expect(v.ok).toBe(false);
    } finally {
      plain.close();
    }
  });
});
