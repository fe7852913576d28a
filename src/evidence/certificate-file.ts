import { X509Certificate } from 'node:crypto';

// Apart from tsa-signer.ts: reading the configured trusted roots at start-up needs only Node's
// X509Certificate, not the ASN.1 libraries the token checks load.

/** The certificates of a PEM file (one or more), or of a single DER certificate. */
export function readCertificates(bytes: Buffer): X509Certificate[] {
  const pems = bytes.toString('latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  return pems ? pems.map((p) => new X509Certificate(p)) : [new X509Certificate(bytes)];
}
