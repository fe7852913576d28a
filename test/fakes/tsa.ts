// A fake RFC 3161 timestamp authority on 127.0.0.1 that signs real tokens with openssl (`openssl
// ts -reply`) and a throw-away TSA certificate, so Vigie's hand-built request and its reading of
// the answer are checked against what a real authority's software produces.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type TsaMode = 'ok' | 'reject' | 'wrong-imprint';

export interface FakeTsa {
  url: string;
  /** The authority's certificate (PEM file), for `openssl ts -verify -CAfile`. */
  certFile: string;
  requests: number;
  mode: TsaMode;
  close(): Promise<void>;
}

const CNF = `[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ./serial
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
`;

// TimeStampResp with status 2 (rejection) and no token.
const REJECTION = Buffer.from([0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]);

export async function startFakeTsa(): Promise<FakeTsa> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-fake-tsa-'));
  const run = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'key.pem',
    '-out',
    'cert.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Vigie test TSA',
    '-addext',
    'extendedKeyUsage=critical,timeStamping',
    '-addext',
    'basicConstraints=CA:FALSE',
  ]);
  writeFileSync(path.join(dir, 'tsa.cnf'), CNF);
  writeFileSync(path.join(dir, 'serial'), '01\n');

  const state = { requests: 0, mode: 'ok' as TsaMode };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400).end();
        return;
      }
      if (state.mode === 'reject') {
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(REJECTION);
        return;
      }
      try {
        let query = path.join(dir, `q${state.requests}.tsq`);
        writeFileSync(query, Buffer.concat(chunks));
        if (state.mode === 'wrong-imprint') {
          query = path.join(dir, `other${state.requests}.tsq`);
          run(['ts', '-query', '-digest', 'ab'.repeat(32), '-sha256', '-cert', '-out', query]);
        }
        const out = path.join(dir, `r${state.requests}.tsr`);
        run([
          'ts',
          '-reply',
          '-queryfile',
          query,
          '-signer',
          'cert.pem',
          '-inkey',
          'key.pem',
          '-config',
          'tsa.cnf',
          '-out',
          out,
        ]);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(out));
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsr`,
    certFile: path.join(dir, 'cert.pem'),
    get requests() {
      return state.requests;
    },
    get mode() {
      return state.mode;
    },
    set mode(m: TsaMode) {
      state.mode = m;
    },
    close() {
      return new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      );
    },
  };
}
