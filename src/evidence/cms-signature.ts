import { X509Certificate, createHash, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

// CMS SignedData (RFC 5652) with one signer, as a timestamp authority writes it: the content is
// encapsulated, the signer's certificate is among `certificates`, the signature covers signed
// attributes that hold the content's digest. pkijs reads the structure; node:crypto (OpenSSL)
// checks digests and signatures, synchronously, so a dossier can be checked with nothing but Vigie;
// `openssl ts -verify` stays a second, independent check.

const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SUBJECT_KEY_ID = '2.5.29.14';

/** Digest algorithm OIDs → node:crypto names; SHA-1 only to read old tokens. */
export const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

// The key type each signature algorithm needs, and its digest; without one (rsaEncryption,
// id-ecPublicKey written as a signature algorithm) the SignerInfo's digestAlgorithm applies.
const SIGNATURES: Readonly<Record<string, { key: string; digest?: string }>> = {
  '1.2.840.113549.1.1.1': { key: 'rsa' },
  '1.2.840.113549.1.1.5': { key: 'rsa', digest: 'sha1' },
  '1.2.840.113549.1.1.11': { key: 'rsa', digest: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', digest: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', digest: 'sha512' },
  '1.2.840.10045.2.1': { key: 'ec' },
  '1.2.840.10045.4.1': { key: 'ec', digest: 'sha1' },
  '1.2.840.10045.4.3.2': { key: 'ec', digest: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', digest: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', digest: 'sha512' },
};
const UNSUPPORTED: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

export interface Signer {
  /** node:crypto's view of the signer certificate (subject, key, fingerprint, issuer checks). */
  cert: X509Certificate;
  /** pkijs' view of it (extensions with their critical flag, validity). */
  parsed: pkijs.Certificate;
  der: Uint8Array;
  /** Signed attributes by type: their values. */
  attrs: Map<string, unknown[]>;
}

/** The DER of each X.509 certificate the token carries (the other CertificateChoices are obsolete). */
export function tokenCertificates(sd: pkijs.SignedData): { parsed: pkijs.Certificate; der: Uint8Array }[] {
  return (sd.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((parsed) => ({ parsed, der: new Uint8Array(parsed.toSchema().toBER()) }));
}

/** The one value of a signed attribute; throws naming `what` otherwise. */
export function signedAttribute(signer: Pick<Signer, 'attrs'>, type: string, what: string): unknown {
  const values = signer.attrs.get(type);
  if (!values) throw new Error(`the signature has no ${what} attribute`);
  if (values.length !== 1) throw new Error(`malformed ${what} attribute`);
  return values[0];
}

/**
 * Checks the token's one SignerInfo: finds its certificate among the token's, checks the signed
 * content type and message digest against the encapsulated content, and the signature over the
 * signed attributes with the certificate's public key. Throws with the reason.
 */
export function verifySigner(sd: pkijs.SignedData): Signer {
  if (sd.signerInfos.length !== 1)
    throw new Error(`the token holds ${sd.signerInfos.length} signatures, expected one`);
  const info = sd.signerInfos[0]!;
  // RFC 3161 tokens always carry signed attributes (the ESS signing certificate is one).
  const signedAttrs = info.signedAttrs;
  if (!signedAttrs || signedAttrs.encodedValue.byteLength === 0)
    throw new Error('the signature has no signed attributes');
  const digestOid = info.digestAlgorithm.algorithmId;
  const digest = DIGESTS[digestOid];
  if (!digest) throw new Error(`unsupported digest algorithm ${digestOid || '(malformed)'}`);

  const signer = { ...findCertificate(sd, info.sid), attrs: readAttributes(signedAttrs) };
  const contentType = signedAttribute(signer, CONTENT_TYPE, 'content-type');
  if (
    !(contentType instanceof asn1js.ObjectIdentifier) ||
    contentType.valueBlock.toString() !== sd.encapContentInfo.eContentType
  )
    throw new Error('the signed content type differs from the encapsulated content');
  const md = signedAttribute(signer, MESSAGE_DIGEST, 'message-digest');
  if (!(md instanceof asn1js.OctetString)) throw new Error('malformed message-digest attribute');
  const content = sd.encapContentInfo.eContent;
  if (!content) throw new Error('the token holds no encapsulated content');
  const contentDigest = createHash(digest).update(new Uint8Array(content.getValue())).digest();
  if (!Buffer.from(md.getValue()).equals(contentDigest))
    throw new Error('the content does not match the signed message digest: it was changed after signing');

  const algo = info.signatureAlgorithm.algorithmId;
  const unsupported = UNSUPPORTED[algo];
  if (unsupported)
    throw new Error(
      `unsupported signature algorithm ${unsupported}; check this token with openssl ts -verify`,
    );
  const how = SIGNATURES[algo];
  if (!how) throw new Error(`unsupported signature algorithm ${algo || '(malformed)'}`);
  const keyType = signer.cert.publicKey.asymmetricKeyType;
  if (keyType !== how.key)
    throw new Error(
      `the signature algorithm needs an ${how.key.toUpperCase()} key, the signer certificate's is ${keyType}`,
    );
  // RFC 5652 5.4: the signature covers the attributes as a SET OF, not under their [0] tag; pkijs
  // keeps the bytes as received with that tag already changed.
  let ok = false;
  try {
    ok = verify(
      how.digest ?? digest,
      new Uint8Array(signedAttrs.encodedValue),
      { key: signer.cert.publicKey, dsaEncoding: 'der' },
      new Uint8Array(info.signature.getValue()),
    );
  } catch {
    // A malformed signature value (e.g. a broken ECDSA DER) is an invalid signature.
  }
  if (!ok) throw new Error("the signature does not verify with the signer certificate's key");
  return signer;
}

function findCertificate(sd: pkijs.SignedData, sid: pkijs.SignerInfo['sid']): Omit<Signer, 'attrs'> {
  for (const { parsed, der } of tokenCertificates(sd))
    if (identifies(sid, parsed)) return { cert: new X509Certificate(der), parsed, der };
  throw new Error("the token does not include the signer's certificate");
}

/** SignerIdentifier: IssuerAndSerialNumber, or [0] SubjectKeyIdentifier. */
function identifies(sid: pkijs.SignerInfo['sid'], cert: pkijs.Certificate): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber)
    return cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber);
  const ski = cert.extensions?.find((e) => e.extnID === SUBJECT_KEY_ID)?.parsedValue as unknown;
  const keyId = (sid as asn1js.BaseBlock).valueBlock as { valueHexView?: Uint8Array } | undefined;
  if (!(ski instanceof asn1js.OctetString) || !keyId?.valueHexView) return false;
  return Buffer.from(ski.getValue()).equals(keyId.valueHexView);
}

function readAttributes(signedAttrs: pkijs.SignedAndUnsignedAttributes): Map<string, unknown[]> {
  const attrs = new Map<string, unknown[]>();
  for (const a of signedAttrs.attributes) {
    // Two content types or digests would let a verifier pick the one that suits (RFC 5652 11).
    if (attrs.has(a.type)) throw new Error(`the signed attribute ${a.type} appears twice`);
    attrs.set(a.type, a.values as unknown[]);
  }
  return attrs;
}
