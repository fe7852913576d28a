import { X509Certificate, createHash, verify } from 'node:crypto';
import { children, oidToString, read, type Tlv } from './der.ts';
import { certFields, type CertFields } from './x509-fields.ts';

// CMS SignedData (RFC 5652) with one signer, as a timestamp authority writes it: the content is
// encapsulated, the signer's certificate is among `certificates`, the signature covers signed
// attributes that hold the content's digest. Only node:crypto, so a dossier can be checked with
// nothing but Vigie; `openssl ts -verify` stays a second, independent check.

const SIGNED_DATA = '1.2.840.113549.1.7.2';
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

export interface SignedData {
  eContentType: string;
  /** The encapsulated content's bytes (for a timestamp: the TSTInfo DER). */
  eContent: Uint8Array;
  /** DER of each certificate the token carries. */
  certificates: Uint8Array[];
  signerInfos: Tlv[];
}

export interface Signer {
  cert: X509Certificate;
  der: Uint8Array;
  fields: CertFields;
  /** Signed attributes by type: their values. */
  attrs: Map<string, Tlv[]>;
}

/** The OID of an AlgorithmIdentifier, or '' when it is malformed. */
export function algorithmOid(alg: Tlv | undefined): string {
  const id = alg?.tag === 0x30 ? children(alg.value)[0] : undefined;
  return id?.tag === 0x06 ? oidToString(id.value) : '';
}

/** Reads a ContentInfo holding SignedData with encapsulated content. */
export function parseSignedData(contentInfo: Tlv): SignedData {
  const [type, explicit] = contentInfo.tag === 0x30 ? children(contentInfo.value) : [];
  if (type?.tag !== 0x06 || oidToString(type.value) !== SIGNED_DATA || explicit?.tag !== 0xa0)
    throw new Error('the token is not CMS SignedData');
  const sd = children(explicit.value)[0];
  const [version, digestAlgorithms, encap, ...rest] = sd?.tag === 0x30 ? children(sd.value) : [];
  const signerInfos = rest.at(-1);
  if (
    version?.tag !== 0x02 ||
    digestAlgorithms?.tag !== 0x31 ||
    encap?.tag !== 0x30 ||
    signerInfos?.tag !== 0x31
  )
    throw new Error('malformed SignedData');
  const [eType, eExplicit] = children(encap.value);
  const eContent = eExplicit?.tag === 0xa0 ? children(eExplicit.value)[0] : undefined;
  if (eType?.tag !== 0x06 || eContent?.tag !== 0x04)
    throw new Error('the token holds no encapsulated content');
  const certs = rest.find((t) => t.tag === 0xa0); // [0] IMPLICIT CertificateSet
  return {
    eContentType: oidToString(eType.value),
    eContent: eContent.value,
    // Only plain X.509 certificates (SEQUENCE); the other CertificateChoices are obsolete.
    certificates: certs
      ? children(certs.value)
          .filter((c) => c.tag === 0x30)
          .map((c) => c.raw)
      : [],
    signerInfos: children(signerInfos.value),
  };
}

/** The one value of a signed attribute, with the expected tag; throws naming `what` otherwise. */
export function signedAttribute(signer: Pick<Signer, 'attrs'>, type: string, tag: number, what: string): Tlv {
  const values = signer.attrs.get(type);
  if (!values) throw new Error(`the signature has no ${what} attribute`);
  if (values.length !== 1 || values[0]!.tag !== tag) throw new Error(`malformed ${what} attribute`);
  return values[0]!;
}

/**
 * Checks the token's one SignerInfo: finds its certificate among the token's, checks the signed
 * content type and message digest against the encapsulated content, and the signature over the
 * signed attributes with the certificate's public key. Throws with the reason.
 */
export function verifySigner(sd: SignedData): Signer {
  if (sd.signerInfos.length !== 1)
    throw new Error(`the token holds ${sd.signerInfos.length} signatures, expected one`);
  const [version, sid, digestAlg, ...rest] = children(sd.signerInfos[0]!.value);
  // RFC 3161 tokens always carry signed attributes (the ESS signing certificate is one).
  const [signedAttrs, sigAlg, signature] = rest;
  if (version?.tag !== 0x02 || !sid || digestAlg?.tag !== 0x30) throw new Error('malformed SignerInfo');
  if (signedAttrs?.tag !== 0xa0) throw new Error('the signature has no signed attributes');
  if (sigAlg?.tag !== 0x30 || signature?.tag !== 0x04) throw new Error('malformed SignerInfo');
  const digest = DIGESTS[algorithmOid(digestAlg)];
  if (!digest) throw new Error(`unsupported digest algorithm ${algorithmOid(digestAlg) || '(malformed)'}`);

  const signer = { ...findCertificate(sd.certificates, sid), attrs: readAttributes(signedAttrs) };
  const contentType = signedAttribute(signer, CONTENT_TYPE, 0x06, 'content-type');
  if (oidToString(contentType.value) !== sd.eContentType)
    throw new Error('the signed content type differs from the encapsulated content');
  const md = signedAttribute(signer, MESSAGE_DIGEST, 0x04, 'message-digest');
  if (!Buffer.from(md.value).equals(createHash(digest).update(sd.eContent).digest()))
    throw new Error('the content does not match the signed message digest: it was changed after signing');

  const algo = algorithmOid(sigAlg);
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
  // RFC 5652 5.4: the signature covers the attributes as a SET OF, not under their [0] tag.
  const signed = Buffer.from(signedAttrs.raw);
  signed[0] = 0x31;
  let ok = false;
  try {
    ok = verify(
      how.digest ?? digest,
      signed,
      { key: signer.cert.publicKey, dsaEncoding: 'der' },
      signature.value,
    );
  } catch {
    // A malformed signature value (e.g. a broken ECDSA DER) is an invalid signature.
  }
  if (!ok) throw new Error("the signature does not verify with the signer certificate's key");
  return signer;
}

function findCertificate(certificates: Uint8Array[], sid: Tlv): Omit<Signer, 'attrs'> {
  for (const der of certificates) {
    const fields = certFields(der);
    if (identifies(sid, fields)) return { cert: new X509Certificate(der), der, fields };
  }
  throw new Error("the token does not include the signer's certificate");
}

/** SignerIdentifier: IssuerAndSerialNumber, or [0] SubjectKeyIdentifier. */
function identifies(sid: Tlv, cert: CertFields): boolean {
  if (sid.tag === 0x30) {
    const [issuer, serial] = children(sid.value);
    return (
      !!issuer && serial?.tag === 0x02 && cert.issuer.equals(issuer.raw) && cert.serial.equals(serial.value)
    );
  }
  const ski = cert.extensions.get(SUBJECT_KEY_ID);
  if (sid.tag !== 0x80 || !ski) return false;
  const keyId = read(ski.value);
  return keyId.tag === 0x04 && Buffer.from(keyId.value).equals(sid.value);
}

function readAttributes(signedAttrs: Tlv): Map<string, Tlv[]> {
  const attrs = new Map<string, Tlv[]>();
  for (const a of children(signedAttrs.value)) {
    const [type, values] = a.tag === 0x30 ? children(a.value) : [];
    if (type?.tag !== 0x06 || values?.tag !== 0x31) throw new Error('malformed signed attribute');
    const name = oidToString(type.value);
    // Two content types or digests would let a verifier pick the one that suits (RFC 5652 11).
    if (attrs.has(name)) throw new Error(`the signed attribute ${name} appears twice`);
    attrs.set(name, children(values.value));
  }
  return attrs;
}
