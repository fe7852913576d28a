import { X509Certificate, createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
export { readCertificates } from './certificate-file.ts';
import { DIGESTS, signedAttribute, tokenCertificates, verifySigner, type Signer } from './cms-signature.ts';

// Who signed an RFC 3161 timestamp token, and whether that certificate may: after the CMS
// signature (cms-signature.ts), the rules RFC 3161 sets for the authority's certificate, then the
// chain from the signer through the certificates the token carries to a trusted root. Vigie has
// no trust store of its own: the roots are those the user gives (`vigie verify --tsa-cert`, or
// `archive.timestampTrustedCertificates`); without any, it names the signer (subject, SHA-256
// fingerprint) for a reader to compare with the authority's published certificate.

const EXT_KEY_USAGE = '2.5.29.37';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
/** Intermediate certificates followed from the signer towards a trusted one. */
const MAX_CHAIN = 4;

export interface TimestampSigner {
  /** The signer certificate's subject, e.g. "C=FR, O=…, CN=…". */
  subject: string;
  /** SHA-256 of the signer certificate, lowercase hex pairs joined by ':'. */
  fingerprint: string;
  /** When certificates were given: the one the signer is, or that issued it. */
  anchor?: { subject: string; same: boolean };
}

interface PoolCert {
  x509: X509Certificate;
  notBefore: number;
  notAfter: number;
}

const subjectOf = (c: X509Certificate) => c.subject.split('\n').join(', ');
const fingerprintOf = (c: X509Certificate) => c.fingerprint256.toLowerCase();
const iso = (ms: number) => new Date(ms).toISOString();
const validity = (c: pkijs.Certificate) => ({
  notBefore: c.notBefore.value.getTime(),
  notAfter: c.notAfter.value.getTime(),
});

/**
 * Checks the token's signature and its signer: signing-certificate attribute, time-stamping key
 * usage, validity at `genTime` (epoch ms), and, when `trusted` is not empty, that the signer is
 * one of them or was issued by one (directly or through the token's certificates), each link a CA
 * valid at `genTime` whose key verifies the certificate below it. Throws.
 */
export function checkTimestampSigner(
  sd: pkijs.SignedData,
  genTime: number,
  trusted: readonly X509Certificate[] = [],
): TimestampSigner {
  const signer = verifySigner(sd);
  checkSigningCertificate(signer);
  const name = subjectOf(signer.cert);
  checkTimeStampingUsage(signer, name);
  const { notBefore, notAfter } = validity(signer.parsed);
  if (!(genTime >= notBefore && genTime <= notAfter))
    throw new Error(
      `the time-stamp time ${iso(genTime)} is outside the validity of the signer certificate (${name}: ${iso(notBefore)} to ${iso(notAfter)})`,
    );
  const found = { subject: name, fingerprint: fingerprintOf(signer.cert) };
  if (trusted.length === 0) return found;
  const pool: PoolCert[] = tokenCertificates(sd).map(({ parsed, der }) => ({
    x509: new X509Certificate(der),
    ...validity(parsed),
  }));
  const anchor = findAnchor(signer.cert, pool, trusted, genTime, 0);
  if (!anchor)
    throw new Error(
      `the signer certificate (${name}, SHA-256 ${found.fingerprint}) is neither the given authority certificate nor issued by it`,
    );
  return {
    ...found,
    anchor: { subject: subjectOf(anchor), same: anchor.fingerprint256 === signer.cert.fingerprint256 },
  };
}

// RFC 3161 2.4.1 (RFC 5816 for V2): the signed attributes name the signer certificate by its hash,
// so that another certificate for the same key cannot be put in its place.
function checkSigningCertificate(signer: Signer): void {
  const v2 = signer.attrs.has(SIGNING_CERTIFICATE_V2);
  const attr = signedAttribute(
    signer,
    v2 ? SIGNING_CERTIFICATE_V2 : SIGNING_CERTIFICATE,
    'signing-certificate',
  );
  // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), … }; the first is the signer's.
  const certs = sequenceItems(attr)[0];
  const parts = sequenceItems(sequenceItems(certs)[0]);
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, … }; ESSCertID: SHA-1 certHash.
  const algorithm = v2 && parts[0] instanceof asn1js.Sequence ? sequenceItems(parts[0])[0] : undefined;
  const digest =
    algorithm instanceof asn1js.ObjectIdentifier
      ? DIGESTS[algorithm.valueBlock.toString()]
      : v2
        ? 'sha256'
        : 'sha1';
  const certHash = parts[algorithm ? 1 : 0];
  if (!digest || !(certHash instanceof asn1js.OctetString))
    throw new Error('malformed signing-certificate attribute');
  if (!Buffer.from(certHash.getValue()).equals(createHash(digest).update(signer.der).digest()))
    throw new Error("the signing-certificate attribute names another certificate than the signer's");
}

function sequenceItems(v: unknown): unknown[] {
  return v instanceof asn1js.Sequence ? v.valueBlock.value : [];
}

// RFC 3161 2.3: the authority's certificate has exactly one extended key usage, timeStamping,
// marked critical, so that a key certified for anything else cannot sign timestamps.
function checkTimeStampingUsage(signer: Signer, name: string): void {
  const eku = signer.parsed.extensions?.find((e) => e.extnID === EXT_KEY_USAGE);
  const purposes = (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (!purposes.includes(TIME_STAMPING))
    throw new Error(
      `the signer certificate (${name}) is not for time-stamping: no extended key usage timeStamping`,
    );
  if (purposes.length !== 1 || !eku!.critical)
    throw new Error(
      `the signer certificate (${name}) must have timeStamping as its only extended key usage, marked critical`,
    );
}

function findAnchor(
  cert: X509Certificate,
  pool: readonly PoolCert[],
  trusted: readonly X509Certificate[],
  at: number,
  depth: number,
): X509Certificate | undefined {
  for (const t of trusted)
    if (t.fingerprint256 === cert.fingerprint256 || (issued(cert, t) && validAt(t, at))) return t;
  if (depth === MAX_CHAIN) return undefined;
  for (const c of pool) {
    if (c.x509.fingerprint256 === cert.fingerprint256 || !issued(cert, c.x509)) continue;
    if (!(at >= c.notBefore && at <= c.notAfter)) continue;
    const anchor = findAnchor(c.x509, pool, trusted, at, depth + 1);
    if (anchor) return anchor;
  }
  return undefined;
}

/** `issuer` is a CA, is named as the issuer of `cert`, and its key verifies the certificate's signature. */
function issued(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function validAt(cert: X509Certificate, at: number): boolean {
  return at >= Date.parse(cert.validFrom) && at <= Date.parse(cert.validTo);
}
