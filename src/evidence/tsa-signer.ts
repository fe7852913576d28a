import { X509Certificate, createHash } from 'node:crypto';
import { children, oidToString, read } from './der.ts';
import {
  DIGESTS,
  algorithmOid,
  signedAttribute,
  verifySigner,
  type SignedData,
  type Signer,
} from './cms-signature.ts';
import { certFields } from './x509-fields.ts';

// Who signed an RFC 3161 timestamp token, and whether that certificate may: after the CMS
// signature (cms-signature.ts), the rules RFC 3161 sets for the authority's certificate. Vigie has
// no trust store: it names the signer (subject, SHA-256 fingerprint) for a reader to compare with
// the authority's published certificate, or checks it against certificates the user gives.

const EXT_KEY_USAGE = '2.5.29.37';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
/** Intermediate certificates followed from the signer towards a given one. */
const MAX_CHAIN = 4;

export interface TimestampSigner {
  /** The signer certificate's subject, e.g. "C=FR, O=…, CN=…". */
  subject: string;
  /** SHA-256 of the signer certificate, lowercase hex pairs joined by ':'. */
  fingerprint: string;
  /** When certificates were given: the one the signer is, or that issued it. */
  anchor?: { subject: string; same: boolean };
}

const subjectOf = (c: X509Certificate) => c.subject.split('\n').join(', ');
const fingerprintOf = (c: X509Certificate) => c.fingerprint256.toLowerCase();
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Checks the token's signature and its signer: signing-certificate attribute, time-stamping key
 * usage, validity at `genTime` (epoch ms), and, when `trusted` is not empty, that the signer is
 * one of them or was issued by one (directly or through the token's certificates). Throws.
 */
export function checkTimestampSigner(
  sd: SignedData,
  genTime: number,
  trusted: readonly X509Certificate[] = [],
): TimestampSigner {
  const signer = verifySigner(sd);
  checkSigningCertificate(signer);
  const name = subjectOf(signer.cert);
  checkTimeStampingUsage(signer, name);
  const { notBefore, notAfter } = signer.fields;
  if (!(genTime >= notBefore && genTime <= notAfter))
    throw new Error(
      `the time-stamp time ${iso(genTime)} is outside the validity of the signer certificate (${name}: ${iso(notBefore)} to ${iso(notAfter)})`,
    );
  const found = { subject: name, fingerprint: fingerprintOf(signer.cert) };
  if (trusted.length === 0) return found;
  const pool = sd.certificates.map((der) => new X509Certificate(der));
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

/** The certificates of a PEM file (one or more), or of a single DER certificate. */
export function readCertificates(bytes: Buffer): X509Certificate[] {
  const pems = bytes.toString('latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  return pems ? pems.map((p) => new X509Certificate(p)) : [new X509Certificate(bytes)];
}

// RFC 3161 2.4.1 (RFC 5816 for V2): the signed attributes name the signer certificate by its hash,
// so that another certificate for the same key cannot be put in its place.
function checkSigningCertificate(signer: Signer): void {
  const v2 = signer.attrs.has(SIGNING_CERTIFICATE_V2);
  const attr = signedAttribute(
    signer,
    v2 ? SIGNING_CERTIFICATE_V2 : SIGNING_CERTIFICATE,
    0x30,
    'signing-certificate',
  );
  // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), … }; the first is the signer's.
  const certs = children(attr.value)[0];
  const first = certs?.tag === 0x30 ? children(certs.value)[0] : undefined;
  const parts = first?.tag === 0x30 ? children(first.value) : [];
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, … }; ESSCertID: SHA-1 certHash.
  const hasAlgorithm = v2 && parts[0]?.tag === 0x30;
  const digest = hasAlgorithm ? DIGESTS[algorithmOid(parts[0])] : v2 ? 'sha256' : 'sha1';
  const certHash = parts[hasAlgorithm ? 1 : 0];
  if (!digest || certHash?.tag !== 0x04) throw new Error('malformed signing-certificate attribute');
  if (!Buffer.from(certHash.value).equals(createHash(digest).update(signer.der).digest()))
    throw new Error("the signing-certificate attribute names another certificate than the signer's");
}

// RFC 3161 2.3: the authority's certificate has exactly one extended key usage, timeStamping,
// marked critical, so that a key certified for anything else cannot sign timestamps.
function checkTimeStampingUsage(signer: Signer, name: string): void {
  const eku = signer.fields.extensions.get(EXT_KEY_USAGE);
  const purposes = eku ? children(read(eku.value).value).map((p) => oidToString(p.value)) : [];
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
  pool: readonly X509Certificate[],
  trusted: readonly X509Certificate[],
  at: number,
  depth: number,
): X509Certificate | undefined {
  for (const t of trusted)
    if (t.fingerprint256 === cert.fingerprint256 || (issued(cert, t) && validAt(t, at))) return t;
  if (depth === MAX_CHAIN) return undefined;
  for (const c of pool) {
    if (c.fingerprint256 === cert.fingerprint256 || !issued(cert, c) || !validAt(c, at)) continue;
    const anchor = findAnchor(c, pool, trusted, at, depth + 1);
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
  const { notBefore, notAfter } = certFields(cert.raw);
  return at >= notBefore && at <= notAfter;
}
