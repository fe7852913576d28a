import { randomBytes } from 'node:crypto';
import { bool, children, int, nul, octets, oid, oidToString, read, seq, type Tlv } from './der.ts';

// RFC 3161 trusted timestamps of a dossier's manifest: the request is built by hand (a SHA-256
// imprint), the authority's answer (TimeStampResp, what `openssl ts -reply` reads) is kept as is.
// Checked here: the answer is "granted", the time-stamped imprint is the manifest's hash, and (at
// request time) the nonce. The authority's CMS signature is not checked by Vigie: `openssl ts
// -verify` with the authority's certificate does that (explained in the report).

const SHA256 = '2.16.840.1.101.3.4.2.1';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';

export function buildTimestampRequest(sha256: Uint8Array, nonce: Uint8Array): Uint8Array {
  return seq(int(new Uint8Array([1])), seq(seq(oid(SHA256), nul()), octets(sha256)), int(nonce), bool(true));
}

export interface TimestampInfo {
  genTime: string;
  imprint: Buffer;
  nonce: Buffer | undefined;
  policy: string;
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
  const [contentType, explicitSigned] = children(token.value);
  if (!contentType || oidToString(contentType.value) !== SIGNED_DATA || !explicitSigned)
    throw new Error('the token is not CMS SignedData');
  const signedData = children(explicitSigned.value)[0];
  const encap =
    signedData &&
    children(signedData.value).find((c) => c.tag === 0x30 && children(c.value)[0]?.tag === 0x06);
  if (!encap) throw new Error('the token holds no encapsulated content');
  const [eType, eExplicit] = children(encap.value);
  if (!eType || oidToString(eType.value) !== TST_INFO || !eExplicit)
    throw new Error('the token does not hold a TSTInfo');
  const eContent = children(eExplicit.value)[0];
  if (!eContent || eContent.tag !== 0x04) throw new Error('malformed TSTInfo');
  const tst = children(read(eContent.value).value);
  const [, policy, imprint, , genTime, ...rest] = tst as (Tlv | undefined)[];
  if (!policy || !imprint || !genTime || genTime.tag !== 0x18) throw new Error('malformed TSTInfo');
  const [algo, hashed] = children(imprint.value);
  if (!algo || oidToString(children(algo.value)[0]!.value) !== SHA256 || !hashed)
    throw new Error('the time-stamped imprint is not SHA-256');
  const nonce = rest.find((t) => t?.tag === 0x02);
  const g = Buffer.from(genTime.value).toString('latin1');
  const m = g.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/);
  return {
    genTime: m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}Z` : g,
    imprint: Buffer.from(hashed.value),
    nonce: nonce ? Buffer.from(nonce.value) : undefined,
    policy: oidToString(policy.value),
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
  return body;
}
