import { randomBytes } from 'node:crypto';
import { bool, children, int, nul, octets, oid, oidToString, read, readTime, seq, type Tlv } from './der.ts';
import { parseSignedData, type SignedData } from './cms-signature.ts';
import { checkTimestampSigner } from './tsa-signer.ts';

// RFC 3161 trusted timestamps of a dossier's manifest: the request is built by hand (a SHA-256
// imprint), the authority's answer (TimeStampResp, what `openssl ts -reply` reads) is kept as is.
// Checked here: the answer is "granted", the time-stamped imprint is the manifest's hash, and (at
// request time) the nonce. The authority's CMS signature and certificate are checked by
// tsa-signer.ts, at request time and by `vigie verify`, so that a dossier can be checked without
// openssl; `openssl ts -verify` with the authority's certificate stays a second, independent way.

const SHA256 = '2.16.840.1.101.3.4.2.1';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';

export function buildTimestampRequest(sha256: Uint8Array, nonce: Uint8Array): Uint8Array {
  return seq(int(new Uint8Array([1])), seq(seq(oid(SHA256), nul()), octets(sha256)), int(nonce), bool(true));
}

export interface TimestampInfo {
  /** ISO 8601, with the fraction of a second the authority gave. */
  genTime: string;
  genTimeMs: number;
  imprint: Buffer;
  nonce: Buffer | undefined;
  policy: string;
  /** The token, for checkTimestampSigner. */
  signedData: SignedData;
}

/** Reads a TimeStampResp; throws with the reason when it is not a granted token. */
export function parseTimestampResponse(resp: Uint8Array): TimestampInfo {
  const top = read(resp);
  if (top.tag !== 0x30) throw new Error('not a TimeStampResp');
  const [statusInfo, token] = children(top.value);
  const status = statusInfo && children(statusInfo.value)[0];
  const code = status ? status.value.reduce((n, b) => n * 256 + b, 0) : -1;
  if (code !== 0 && code !== 1)
    throw new Error(`the timestamp authority refused the request (status ${code})`);
  if (!token) throw new Error('the answer holds no timestamp token');
  const signedData = parseSignedData(token);
  if (signedData.eContentType !== TST_INFO) throw new Error('the token does not hold a TSTInfo');
  const tst = children(read(signedData.eContent).value);
  const [, policy, imprint, , genTime, ...rest] = tst as (Tlv | undefined)[];
  if (!policy || !imprint || !genTime || genTime.tag !== 0x18) throw new Error('malformed TSTInfo');
  const [algo, hashed] = children(imprint.value);
  if (!algo || oidToString(children(algo.value)[0]!.value) !== SHA256 || !hashed)
    throw new Error('the time-stamped imprint is not SHA-256');
  const nonce = rest.find((t) => t?.tag === 0x02);
  const g = Buffer.from(genTime.value).toString('latin1');
  const m = g.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/);
  if (!m) throw new Error('malformed TSTInfo time');
  return {
    genTime: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}Z`,
    genTimeMs: readTime(genTime),
    imprint: Buffer.from(hashed.value),
    nonce: nonce ? Buffer.from(nonce.value) : undefined,
    policy: oidToString(policy.value),
    signedData,
  };
}

/** Asks the authority to time-stamp `sha256`; returns its DER answer after checking it. */
export async function requestTimestamp(
  url: string,
  sha256: Uint8Array,
  timeoutMs = 30_000,
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
    checkTimestampSigner(info.signedData, info.genTimeMs);
  } catch (err) {
    throw new Error(`the timestamp authority's token does not verify: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return body;
}
