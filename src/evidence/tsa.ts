import { randomBytes, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkTimestampSigner } from './tsa-signer.ts';

// RFC 3161 trusted timestamps: the request (TimeStampReq, a SHA-256 imprint and a nonce) and the
// authority's answer (TimeStampResp, what `openssl ts -reply` reads, kept as is) are written and
// read by pkijs/asn1js. Checked here: the answer is "granted", the time-stamped imprint is the
// hash asked for, and (at request time) the nonce. The authority's CMS signature, certificate and
// chain are checked by tsa-signer.ts, at request time and by `vigie verify`, so that a dossier can
// be checked without openssl; `openssl ts -verify` stays a second, independent way.

const SHA256 = '2.16.840.1.101.3.4.2.1';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SIGNED_DATA = '1.2.840.113549.1.7.2';

export function buildTimestampRequest(sha256: Uint8Array, nonce: Uint8Array, certReq = true): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: SHA256,
        algorithmParams: new asn1js.Null(),
      }),
      hashedMessage: new asn1js.OctetString({ valueHex: sha256 }),
    }),
    nonce: new asn1js.Integer({ valueHex: positive(nonce) }),
    certReq,
  });
  return new Uint8Array(req.toSchema().toBER());
}

export interface TimestampInfo {
  /** ISO 8601, with the fraction of a second the authority gave. */
  genTime: string;
  genTimeMs: number;
  imprint: Buffer;
  nonce: Buffer | undefined;
  policy: string;
  /** The token, for checkTimestampSigner. */
  signedData: pkijs.SignedData;
}

/** Reads a TimeStampResp; throws with the reason when it is not a granted token. */
export function parseTimestampResponse(resp: Uint8Array): TimestampInfo {
  const parsed = decode(resp, 'not a TimeStampResp');
  let answer: pkijs.TimeStampResp;
  try {
    answer = new pkijs.TimeStampResp({ schema: parsed });
  } catch {
    throw new Error('not a TimeStampResp');
  }
  const code = answer.status.status;
  if (code !== 0 && code !== 1)
    throw new Error(`the timestamp authority refused the request (status ${code})`);
  const token = answer.timeStampToken;
  if (!token) throw new Error('the answer holds no timestamp token');
  if (token.contentType !== SIGNED_DATA) throw new Error('the token is not CMS SignedData');
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: token.content });
  } catch {
    throw new Error('malformed SignedData');
  }
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== TST_INFO) throw new Error('the token does not hold a TSTInfo');
  if (!encap.eContent) throw new Error('the token holds no encapsulated content');
  let tst: pkijs.TSTInfo;
  try {
    tst = new pkijs.TSTInfo({
      schema: decode(new Uint8Array(encap.eContent.getValue()), 'malformed TSTInfo'),
    });
  } catch (err) {
    throw new Error('malformed TSTInfo', { cause: err });
  }
  if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256)
    throw new Error('the time-stamped imprint is not SHA-256');
  const genTimeMs = tst.genTime.getTime();
  if (Number.isNaN(genTimeMs)) throw new Error('malformed TSTInfo time');
  return {
    genTime: isoAsGiven(tst.genTime),
    genTimeMs,
    imprint: Buffer.from(tst.messageImprint.hashedMessage.getValue()),
    nonce: tst.nonce ? Buffer.from(tst.nonce.valueBlock.valueHexView) : undefined,
    policy: tst.policy,
    signedData,
  };
}

export interface TimestampRequestOptions {
  timeoutMs?: number;
  /** Roots the token must chain to (archive.timestampTrustedCertificates); none: any signer. */
  trusted?: readonly X509Certificate[];
}

/** Asks the authority to time-stamp `sha256`; returns its DER answer after checking it. */
export async function requestTimestamp(
  url: string,
  sha256: Uint8Array,
  { timeoutMs = 30_000, trusted = [] }: TimestampRequestOptions = {},
): Promise<Uint8Array> {
  const nonce = randomBytes(8);
  nonce[0] = nonce[0]! & 0x7f; // a positive INTEGER without a padding byte
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body: buildTimestampRequest(sha256, nonce),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`the timestamp authority answered HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const info = parseTimestampResponse(body);
  if (!info.imprint.equals(Buffer.from(sha256)))
    throw new Error('the timestamp authority stamped another hash');
  if (!info.nonce || !info.nonce.equals(nonce))
    throw new Error('the timestamp answer does not carry our nonce');
  // A token `vigie verify` would refuse must not go into a dossier.
  try {
    checkTimestampSigner(info.signedData, info.genTimeMs, trusted);
  } catch (err) {
    throw new Error(`the timestamp authority's token does not verify: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return body;
}

function decode(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw new Error(what);
  return parsed.result;
}

/** An INTEGER's content bytes for a positive number: a leading 0 when the top bit is set. */
function positive(bytes: Uint8Array): Uint8Array {
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

// The time as the token's GeneralizedTime writes it (DER: no trailing zero in the fraction), so
// that what a reader sees is what the authority signed.
function isoAsGiven(d: Date): string {
  const iso = d.toISOString();
  return d.getUTCMilliseconds() === 0 ? iso.replace('.000Z', 'Z') : iso.replace(/0*Z$/, 'Z');
}
