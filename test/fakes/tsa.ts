// A fake RFC 3161 timestamp authority on 127.0.0.1 that signs real tokens with openssl (`openssl
// ts -reply`) and throw-away certificates, so Vigie's hand-built request, its reading of the
// answer and its check of the CMS signature are held against what a real authority's software
// produces. The signers that openssl ts refuses to be (no timeStamping key usage, no ESS
// signing-certificate attribute, RSASSA-PSS) sign the same TSTInfo again with `openssl cms -sign`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { int, seq } from '../../src/evidence/der.ts';

export type TsaMode = 'ok' | 'reject' | 'wrong-imprint';

/**
 * Who signs: `rsa` a self-signed RSA time-stamping certificate (SHA-256); `ec` a self-signed P-256
 * one (SHA-384); `issued` an RSA one issued by the fake's CA (SHA-512); `no-eku` a certificate
 * without the timeStamping key usage; `no-ess` the `rsa` certificate without the ESS
 * signing-certificate attribute; `pss` the `rsa` certificate with RSASSA-PSS.
 */
export type TsaSigner = 'rsa' | 'ec' | 'issued' | 'no-eku' | 'no-ess' | 'pss';

export interface FakeTsa {
  url: string;
  /** The `rsa` signer's certificate (PEM file), for `openssl ts -verify -CAfile`. */
  certFile: string;
  /**
   * PEM file of each signer's certificate, of the CA that issued the `issued` one, of an impostor
   * CA with that CA's name and key identifier but another key, and of a certificate with that CA's
   * name and key that is not a CA.
   */
  certFiles: Record<'rsa' | 'ec' | 'issued' | 'no-eku' | 'ca' | 'impostor-ca' | 'root-not-ca', string>;
  requests: number;
  mode: TsaMode;
  signer: TsaSigner;
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

// Each signer: its certificate and key, and the digest for `openssl ts -reply`, or the options of
// `openssl cms -sign` when openssl ts refuses to sign that way.
const SIGNERS: Record<TsaSigner, { cert: string; key: string; ts?: string; cms?: string }> = {
  rsa: { cert: 'cert.pem', key: 'key.pem', ts: '-sha256' },
  ec: { cert: 'ec-cert.pem', key: 'ec-key.pem', ts: '-sha384' },
  issued: { cert: 'issued-cert.pem', key: 'key.pem', ts: '-sha512' },
  'no-eku': { cert: 'no-eku-cert.pem', key: 'key.pem', cms: '-cades' },
  'no-ess': { cert: 'cert.pem', key: 'key.pem', cms: '' },
  pss: { cert: 'cert.pem', key: 'key.pem', cms: '-cades -keyopt rsa_padding_mode:pss' },
};
const TSA_EXT = '-addext extendedKeyUsage=critical,timeStamping -addext basicConstraints=CA:FALSE';

export async function startFakeTsa(): Promise<FakeTsa> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-fake-tsa-'));
  // `args` holds no path with a space: the working directory is `dir`; other paths come apart.
  const run = (args: string, ...more: string[]) =>
    execFileSync('openssl', [...args.split(' ').filter(Boolean), ...more], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const cert = (out: string, subject: string, args: string) =>
    run(`req -x509 -nodes -days 2 -out ${out} ${args}`, '-subj', subject);
  cert('cert.pem', '/CN=Vigie test TSA', `-newkey rsa:2048 -keyout key.pem ${TSA_EXT}`);
  cert(
    'ec-cert.pem',
    '/CN=Vigie test EC TSA',
    `-newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout ec-key.pem ${TSA_EXT}`,
  );
  cert(
    'ca.pem',
    '/O=Vigie test/CN=Vigie test root',
    '-newkey rsa:2048 -keyout ca-key.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign',
  );
  const keyId = run('x509 -in ca.pem -noout -ext subjectKeyIdentifier')
    .toString()
    .match(/([0-9A-F]{2}:)+[0-9A-F]{2}/)![0];
  cert(
    'impostor-ca.pem',
    '/O=Vigie test/CN=Vigie test root',
    `-newkey rsa:2048 -keyout impostor-key.pem -addext basicConstraints=critical,CA:TRUE -addext subjectKeyIdentifier=${keyId.replaceAll(':', '')}`,
  );
  cert(
    'root-not-ca.pem',
    '/O=Vigie test/CN=Vigie test root',
    '-key ca-key.pem -addext basicConstraints=CA:FALSE',
  );
  cert(
    'issued-cert.pem',
    '/O=Vigie test/CN=Vigie test issued TSA',
    `-key key.pem -CA ca.pem -CAkey ca-key.pem ${TSA_EXT}`,
  );
  cert('no-eku-cert.pem', '/CN=Vigie test no-EKU', '-key key.pem -addext basicConstraints=CA:FALSE');
  writeFileSync(path.join(dir, 'tsa.cnf'), CNF);
  writeFileSync(path.join(dir, 'serial'), '01\n');

  const reply = (query: string, out: string, signer: TsaSigner) => {
    const s = SIGNERS[signer];
    if (s.ts !== undefined) {
      run(
        `ts -reply -config tsa.cnf -signer ${s.cert} -inkey ${s.key} ${s.ts}`,
        '-queryfile',
        query,
        '-out',
        out,
      );
      return;
    }
    // The TSTInfo openssl ts signs, signed again by openssl cms.
    run(
      'ts -reply -config tsa.cnf -signer cert.pem -inkey key.pem',
      '-queryfile',
      query,
      '-token_out',
      '-out',
      out,
    );
    run('cms -verify -noverify -binary -inform DER -out tst.der', '-in', out);
    run(
      `cms -sign -binary -nodetach -nosmimecap -in tst.der -econtent_type 1.2.840.113549.1.9.16.1.4 ` +
        `-md sha256 -outform DER -out token.der -signer ${s.cert} -inkey ${s.key} ${s.cms}`,
    );
    // TimeStampResp ::= SEQUENCE { status PKIStatusInfo (0, granted), timeStampToken }
    writeFileSync(out, seq(seq(int(new Uint8Array([0]))), readFileSync(path.join(dir, 'token.der'))));
  };

  const state = { requests: 0, mode: 'ok' as TsaMode, signer: 'rsa' as TsaSigner };
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
          run(`ts -query -digest ${'ab'.repeat(32)} -sha256 -cert`, '-out', query);
        }
        const out = path.join(dir, `r${state.requests}.tsr`);
        reply(query, out, state.signer);
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
    certFiles: {
      rsa: path.join(dir, 'cert.pem'),
      ec: path.join(dir, 'ec-cert.pem'),
      issued: path.join(dir, 'issued-cert.pem'),
      'no-eku': path.join(dir, 'no-eku-cert.pem'),
      ca: path.join(dir, 'ca.pem'),
      'impostor-ca': path.join(dir, 'impostor-ca.pem'),
      'root-not-ca': path.join(dir, 'root-not-ca.pem'),
    },
    get requests() {
      return state.requests;
    },
    get mode() {
      return state.mode;
    },
    set mode(m: TsaMode) {
      state.mode = m;
    },
    get signer() {
      return state.signer;
    },
    set signer(s: TsaSigner) {
      state.signer = s;
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
