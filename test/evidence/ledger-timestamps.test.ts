import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { parseConfig } from '../../src/config/load.ts';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { createLedgerStamper } from '../../src/evidence/ledger-stamper.ts';
import { createLedgerTimestampsRepo } from '../../src/evidence/ledger-timestamps-repo.ts';
import { evidenceSchedules, enqueueLedgerTimestamp } from '../../src/app/handlers.ts';
import type { EnqueueOptions, JobKind, JobPayload, JobQueue } from '../../src/jobs/types.ts';
import type { Manifest } from '../../src/evidence/dossier.ts';
import { startFakeTsa, type FakeTsa } from '../fakes/tsa.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

// Two fake authorities (each its own keys and root) time-stamp the custody ledger's head; the
// dossier carries their tokens and `vigie verify` checks each one.

let a: FakeTsa;
let b: FakeTsa;
const stores: TestStore[] = [];
const cert = (file: string) => new X509Certificate(readFileSync(file));

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeTsa(), startFakeTsa()]);
}, 60_000);

afterAll(async () => {
  for (const s of stores) s.close();
  await Promise.all([a?.close(), b?.close()]);
});

async function store(archive: Record<string, unknown>) {
  const s = await makeStore({ archive });
  stores.push(s);
  await storePosts(s, [
    { externalId: 'p1', level: 'high' },
    { externalId: 'p2', level: 'medium' },
  ]);
  const stamps = createLedgerTimestampsRepo(s.store);
  const stamper = createLedgerStamper({ config: s.config, ledger: s.ledger, stamps, log: s.log });
  return { s, stamps, stamper, deps: { ...s, ledgerTimestamps: stamps } };
}

function reset() {
  for (const t of [a, b]) {
    t.mode = 'ok';
    t.signer = 'rsa';
  }
}

describe('ledger-head timestamps from several authorities', () => {
  it('asks every authority once per head; the dossier carries the tokens and verify reports each time', async () => {
    reset();
    const { s, stamps, stamper, deps } = await store({ timestampAuthorities: [a.url, b.url] });
    const head = (await s.ledger.head())!;
    const first = await stamper.run();
    expect(first).toEqual({ ledgerId: head.id, stamped: [a.url, b.url], failed: [] });
    expect((await stamps.between(head.id, head.id)).map((r) => [r.authority, r.ledgerHash])).toEqual([
      [a.url, head.hash],
      [b.url, head.hash],
    ]);
    // The head has not moved: nobody is asked again.
    const before = a.requests + b.requests;
    expect((await stamper.run()).skipped).toBe('already-stamped');
    expect(a.requests + b.requests).toBe(before);

    const zip = path.join(s.dir, 'two.zip');
    await writeDossier(deps, { watchId: 'alice' }, zip);
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    expect(manifest.timestamps!.map((t) => t.authority)).toEqual([a.url, b.url]);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['manifest.json.tsr', 'manifest.json.2.tsr']));
    expect(manifest.ledgerTimestamps).toHaveLength(2);
    expect(manifest.ledgerTimestamps!.every((t) => t.ledgerId === head.id)).toBe(true);
    // The imprint is the hash of that row as ledger.jsonl holds it.
    const row = strFromU8(files['ledger.jsonl']!)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number; hash: string })
      .find((r) => r.id === head.id);
    expect(row?.hash).toBe(head.hash);

    const v = await verifyDossier(zip, { tsaCerts: [cert(a.certFile), cert(b.certFile)] });
    expect(v.ok).toBe(true);
    for (const url of [a.url, b.url]) {
      expect(v.summary).toContain(`manifest time-stamped at `);
      expect(v.summary).toMatch(
        new RegExp(
          `ledger row ${head.id} \\(and every row before it\\) time-stamped at \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z by ${url.replace(/[.]/g, '\\.')}, signature valid`,
        ),
      );
    }
  });

  it('one authority down: the other one token is kept, at the ledger head and on the manifest', async () => {
    reset();
    b.mode = 'unavailable';
    const { s, stamps, stamper, deps } = await store({ timestampAuthorities: [a.url, b.url] });
    const summary = await stamper.run();
    expect(summary.stamped).toEqual([a.url]);
    expect(summary.failed).toEqual([
      { authority: b.url, error: 'the timestamp authority answered HTTP 503' },
    ]);
    const head = (await s.ledger.head())!;
    expect((await stamps.between(head.id, head.id)).map((r) => r.authority)).toEqual([a.url]);

    // When it is back, the next run asks only the one that is missing at this head.
    b.mode = 'ok';
    const aBefore = a.requests;
    expect((await stamper.run()).stamped).toEqual([b.url]);
    expect(a.requests).toBe(aBefore);
    expect((await stamps.between(head.id, head.id)).map((r) => r.authority)).toEqual([a.url, b.url]);

    // Down again for the export: its manifest gets the one token.
    b.mode = 'unavailable';
    const zip = path.join(s.dir, 'one-down.zip');
    await writeDossier(deps, { watchId: 'alice' }, zip);
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    expect(files['manifest.json.tsr']).toBeDefined();
    expect(files['manifest.json.2.tsr']).toBeUndefined();
    const v = await verifyDossier(zip);
    expect(v.ok).toBe(true);
    expect(v.summary).toContain(`no manifest timestamp from ${b.url} (it did not answer at export)`);
  });

  it('every authority down: the job fails (to be retried) and nothing is stored', async () => {
    reset();
    a.mode = 'unavailable';
    b.mode = 'reject';
    const { s, stamps, stamper } = await store({ timestampAuthorities: [a.url, b.url] });
    await expect(stamper.run()).rejects.toThrow(
      /no timestamp authority answered for ledger row \d+: .*HTTP 503; .*refused the request \(status 2\)/,
    );
    expect(await stamps.between(0, (await s.ledger.head())!.id)).toEqual([]);
  });

  it('a token from an untrusted root fails, naming the file; the trusted root passes', async () => {
    reset();
    a.signer = 'issued';
    const { s, stamper, deps } = await store({ timestampAuthorities: [a.url] });
    await stamper.run();
    const zip = path.join(s.dir, 'issued.zip');
    await writeDossier(deps, { watchId: 'alice' }, zip);
    const ok = await verifyDossier(zip, { tsaCerts: [cert(a.certFiles.ca)] });
    expect(ok.ok).toBe(true);
    expect(ok.summary).toContain(
      'issued by the given authority certificate O=Vigie test, CN=Vigie test root',
    );
    const ko = await verifyDossier(zip, { tsaCerts: [cert(b.certFiles.ca)] });
    expect(ko.ok).toBe(false);
    expect(ko.mismatches).toEqual([
      expect.stringMatching(
        /^manifest\.json\.tsr: the signer certificate \(O=Vigie test, CN=Vigie test issued TSA, SHA-256 [0-9a-f:]+\) is neither the given authority certificate nor issued by it$/,
      ),
      expect.stringMatching(
        /^ledger-timestamps\/row-\d+-\d+\.tsr: the signer certificate .* is neither the given authority certificate nor issued by it$/,
      ),
    ]);
  });

  it('configured roots: the service refuses a token that does not chain to one', async () => {
    reset();
    const { s, stamps, stamper } = await store({
      timestampAuthorities: [a.url],
      timestampTrustedCertificates: [b.certFiles.ca],
    });
    await expect(stamper.run()).rejects.toThrow(
      /the timestamp authority's token does not verify: the signer certificate \(CN=Vigie test TSA, SHA-256 [0-9a-f:]+\) is neither the given authority certificate nor issued by it/,
    );
    expect(await stamps.between(0, (await s.ledger.head())!.id)).toEqual([]);
    // An authority that stamps another hash is refused too.
    const other = await store({ timestampAuthorities: [a.url] });
    a.mode = 'wrong-imprint';
    await expect(other.stamper.run()).rejects.toThrow(/stamped another hash/);
  });

  it('a tampered ledger token or one moved to another row fails with the reason', async () => {
    reset();
    // No manifest token here, so that the manifest can be rewritten as an attacker would.
    const { s, stamps } = await store({});
    const stamperA = createLedgerStamper({
      config: parseConfig({ dataDir: s.dir, archive: { timestampAuthorities: [a.url] } }),
      ledger: s.ledger,
      stamps,
    });
    await stamperA.run();
    const zip = path.join(s.dir, 'ledger-only.zip');
    await writeDossier({ ...s, ledgerTimestamps: stamps }, { watchId: 'alice' }, zip);
    expect((await verifyDossier(zip)).ok).toBe(true);
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    const entry = manifest.ledgerTimestamps![0]!;

    const rewrite = (name: string, change: (m: Manifest, f: Record<string, Uint8Array>) => void) => {
      const f = { ...files, [entry.file]: new Uint8Array(files[entry.file]!) };
      const m = structuredClone(manifest);
      change(m, f);
      m.files[entry.file] = createHash('sha256').update(f[entry.file]!).digest('hex');
      const bytes = strToU8(`${JSON.stringify(m, null, 2)}\n`);
      f['manifest.json'] = bytes;
      f['manifest.json.sha256'] = strToU8(
        `${createHash('sha256').update(bytes).digest('hex')}  manifest.json\n`,
      );
      const out = path.join(s.dir, name);
      writeFileSync(out, zipSync(f));
      return out;
    };

    const tampered = rewrite('tampered.zip', (_m, f) => {
      const t = f[entry.file]!;
      t[t.length - 10]! ^= 0x01; // in the signature
    });
    expect((await verifyDossier(tampered)).firstMismatch).toBe(
      `${entry.file}: the signature does not verify with the signer certificate's key`,
    );

    const moved = rewrite('moved.zip', (m) => {
      m.ledgerTimestamps![0]!.ledgerId = entry.ledgerId - 1;
    });
    const v = await verifyDossier(moved);
    expect(v.ok).toBe(false);
    expect(v.firstMismatch).toMatch(
      new RegExp(
        `^${entry.file}: the timestamp is not for the hash of ledger row ${entry.ledgerId - 1} \\(imprint [0-9a-f]{64}\\)$`,
      ),
    );
  });
});

describe('scheduling the ledger timestamp', () => {
  it('runs on its schedule only when an authority is configured', () => {
    const none = parseConfig({ dataDir: '/tmp/x' });
    expect(evidenceSchedules(none).map((s) => s.kind)).not.toContain('ledger-timestamp');
    const one = parseConfig({
      dataDir: '/tmp/x',
      archive: { timestampAuthorityUrl: 'https://tsa.example/tsr', ledgerTimestampSchedule: '7 * * * *' },
    });
    expect(evidenceSchedules(one)).toContainEqual({
      id: 'ledger-timestamp',
      pattern: '7 * * * *',
      kind: 'ledger-timestamp',
      payload: {},
    });
  });

  it('after evidence is added, one job per five-minute window, due at its end', async () => {
    const jobs: { kind: JobKind; payload: JobPayload; options?: EnqueueOptions }[] = [];
    const queue: JobQueue = {
      enqueue: (kind, payload, options) => {
        jobs.push({ kind, payload, options });
        return Promise.resolve();
      },
    };
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 30);
    await enqueueLedgerTimestamp(queue, t0);
    await enqueueLedgerTimestamp(queue, t0 + 60_000);
    await enqueueLedgerTimestamp(queue, t0 + 5 * 60_000);
    expect(jobs.map((j) => j.kind)).toEqual(['ledger-timestamp', 'ledger-timestamp', 'ledger-timestamp']);
    expect(jobs[0]!.options!.jobId).toBe(jobs[1]!.options!.jobId);
    expect(jobs[2]!.options!.jobId).not.toBe(jobs[0]!.options!.jobId);
    expect(jobs[0]!.options!.delayMs).toBe(5 * 60_000 - 30_000);
    expect(jobs[1]!.options!.delayMs).toBe(4 * 60_000 - 30_000);
  });
});
