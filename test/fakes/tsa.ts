// A fake RFC 3161 timestamp authority on 127.0.0.1 that signs real tokens: TimeStampReq read,
// TSTInfo written and CMS SignedData signed with pkijs/asn1js (WebCrypto keys), with throw-away
// certificates made by `openssl req`. Tests also check its tokens with `openssl ts -verify`, an
// independent implementation. Each fake has its own keys and its own CA, so two fakes are two
// authorities with different roots. Some signers are what an authority must not be (no
// timeStamping key usage, no ESS signing-certificate attribute, RSASSA-PSS, which Vigie refuses).
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createHash, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { listenOnLoopback } from './http-fake.ts';

/** `unavailable`: HTTP 503, as an authority that is down behind its load balancer. */
export type TsaMode = 'ok' | 'reject' | 'wrong-imprint' | 'unavailable';

/**
 * Who signs: `rsa` a self-signed RSA time-stamping certificate (SHA-256, ESSCertIDv2 with the
 * default hash); `ec` a self-signed P-256 one (SHA-384, ESSCertID with SHA-1); `issued` an RSA one
 * issued by the fake's CA (SHA-512, ESSCertIDv2 naming SHA-512); `no-eku` a certificate without the
 * timeStamping key usage; `no-ess` the `rsa` certificate without the ESS signing-certificate
 * attribute; `pss` the `rsa` certificate with RSASSA-PSS.
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

const OID = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};
const POLICY = '1.2.3.4.1';

interface SignerSpec {
  cert: string;
  key: string;
  /** WebCrypto algorithm the key is imported for, and the digest of the signature. */
  algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** How the signer certificate is named: none, ESSCertID (SHA-1), ESSCertIDv2 (default SHA-256 or named). */
  ess: 'none' | 'v1' | 'v2' | 'v2-sha512';
}

const SIGNERS: Record<TsaSigner, SignerSpec> = {
  rsa: { cert: 'cert.pem', key: 'key.pem', algorithm: rsa('SHA-256'), hash: 'SHA-256', ess: 'v2' },
  ec: {
    cert: 'ec-cert.pem',
    key: 'ec-key.pem',
    algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
    hash: 'SHA-384',
    ess: 'v1',
  },
  issued: {
    cert: 'issued-cert.pem',
    key: 'key.pem',
    algorithm: rsa('SHA-512'),
    hash: 'SHA-512',
    ess: 'v2-sha512',
  },
  'no-eku': {
    cert: 'no-eku-cert.pem',
    key: 'key.pem',
    algorithm: rsa('SHA-256'),
    hash: 'SHA-256',
    ess: 'v2',
  },
  'no-ess': { cert: 'cert.pem', key: 'key.pem', algorithm: rsa('SHA-256'), hash: 'SHA-256', ess: 'none' },
  pss: {
    cert: 'cert.pem',
    key: 'key.pem',
    algorithm: { name: 'RSA-PSS', hash: 'SHA-256' },
    hash: 'SHA-256',
    ess: 'v2',
  },
};
const TSA_EXT = '-addext extendedKeyUsage=critical,timeStamping -addext basicConstraints=CA:FALSE';

function rsa(hash: string): webcrypto.RsaHashedImportParams {
  return { name: 'RSASSA-PKCS1-v1_5', hash };
}

const engine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'],
});

export async function startFakeTsa(): Promise<FakeTsa> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-fake-tsa-'));
  makeCertificates(dir);
  const state = { requests: 0, serial: 1, mode: 'ok' as TsaMode, signer: 'rsa' as TsaSigner };

  const answer = async (body: Buffer): Promise<Uint8Array> => {
    if (state.mode === 'reject') return response(2);
    const request = new pkijs.TimeStampReq({ schema: asn1js.fromBER(body).result });
    const imprint =
      state.mode === 'wrong-imprint'
        ? new pkijs.MessageImprint({
            hashAlgorithm: new pkijs.AlgorithmIdentifier({
              algorithmId: OID.sha256,
              algorithmParams: new asn1js.Null(),
            }),
            hashedMessage: new asn1js.OctetString({ valueHex: Buffer.alloc(32, 0xab) }),
          })
        : request.messageImprint;
    const tst = new pkijs.TSTInfo({
      version: 1,
      policy: POLICY,
      messageImprint: imprint,
      serialNumber: new asn1js.Integer({ value: state.serial++ }),
      genTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
    const token = await sign(
      dir,
      SIGNERS[state.signer],
      new Uint8Array(tst.toSchema().toBER()),
      request.certReq ?? false,
    );
    return response(0, token);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400).end();
        return;
      }
      if (state.mode === 'unavailable') {
        res.writeHead(503, { 'retry-after': '60' }).end();
        return;
      }
      answer(Buffer.concat(chunks)).then(
        (der) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(der),
        () => res.writeHead(500).end(),
      );
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url: `${url}/tsr`,
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
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }. */
function response(status: number, token?: pkijs.ContentInfo): Uint8Array {
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status }),
    ...(token ? { timeStampToken: token } : {}),
  });
  return new Uint8Array(resp.toSchema().toBER());
}

/** The TSTInfo in CMS SignedData, signed by `spec` with the RFC 3161 signed attributes. */
async function sign(
  dir: string,
  spec: SignerSpec,
  tstInfo: Uint8Array,
  withCert: boolean,
): Promise<pkijs.ContentInfo> {
  const certDer = pemBody(readFileSync(path.join(dir, spec.cert), 'latin1'));
  const cert = pkijs.Certificate.fromBER(certDer);
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    pemBody(readFileSync(path.join(dir, spec.key), 'latin1')),
    spec.algorithm,
    false,
    ['sign'],
  );
  const digest = spec.hash.replace('-', '').toLowerCase();
  const attributes = [
    new pkijs.Attribute({
      type: OID.contentType,
      values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })],
    }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: createHash(digest).update(tstInfo).digest() })],
    }),
    ...essAttribute(spec.ess, certDer),
  ];
  // DER orders a SET OF by the encodings of its elements.
  attributes.sort((a, b) =>
    Buffer.compare(Buffer.from(a.toSchema().toBER()), Buffer.from(b.toSchema().toBER())),
  );
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.tstInfo,
      eContent: new asn1js.OctetString({ valueHex: tstInfo }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    ...(withCert ? { certificates: [cert] } : {}),
  });
  await signedData.sign(key, 0, spec.hash, undefined, engine);
  return new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
}

function essAttribute(ess: SignerSpec['ess'], certDer: Uint8Array): pkijs.Attribute[] {
  if (ess === 'none') return [];
  const hash = (alg: string) =>
    new asn1js.OctetString({ valueHex: createHash(alg).update(certDer).digest() });
  const id =
    ess === 'v1'
      ? [hash('sha1')]
      : ess === 'v2'
        ? [hash('sha256')]
        : [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha512 }).toSchema(), hash('sha512')];
  const value = new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: id })] })],
  });
  return [
    new pkijs.Attribute({
      type: ess === 'v1' ? OID.signingCertificate : OID.signingCertificateV2,
      values: [value],
    }),
  ];
}

function pemBody(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
}

function makeCertificates(dir: string): void {
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
}
