import { children, oidToString, read, readTime } from './der.ts';

// The fields of an X.509 certificate (RFC 5280) that node:crypto's X509Certificate does not give
// as bytes: a CMS signer is named by the exact DER of its issuer and serial number (or by its
// subject key identifier), and RFC 3161 needs each extension's "critical" flag.

export interface CertExtension {
  critical: boolean;
  /** The content of extnValue (the OCTET STRING's bytes: the extension's own DER). */
  value: Uint8Array;
}

export interface CertFields {
  /** Content bytes of the serialNumber INTEGER. */
  serial: Buffer;
  /** The whole issuer Name element (tag, length, content). */
  issuer: Buffer;
  notBefore: number;
  notAfter: number;
  extensions: Map<string, CertExtension>;
}

export function certFields(der: Uint8Array): CertFields {
  const cert = read(der);
  const tbs = cert.tag === 0x30 ? children(cert.value)[0] : undefined;
  if (!tbs || tbs.tag !== 0x30) throw new Error('malformed certificate');
  const f = children(tbs.value);
  const at = f[0]?.tag === 0xa0 ? 1 : 0; // [0] version, absent for v1
  const [serial, , issuer, validity] = f.slice(at);
  if (serial?.tag !== 0x02 || issuer?.tag !== 0x30 || validity?.tag !== 0x30)
    throw new Error('malformed certificate');
  const [notBefore, notAfter] = children(validity.value);
  if (!notBefore || !notAfter) throw new Error('malformed certificate validity');

  const extensions = new Map<string, CertExtension>();
  const ext = f.find((t) => t.tag === 0xa3); // [3] EXPLICIT Extensions
  for (const e of ext ? children(children(ext.value)[0]?.value ?? new Uint8Array()) : []) {
    const parts = children(e.value);
    const id = parts[0];
    const critical = parts.length === 3 && parts[1]!.tag === 0x01 && parts[1]!.value[0] !== 0;
    const value = parts.at(-1);
    if (id?.tag !== 0x06 || value?.tag !== 0x04) throw new Error('malformed certificate extension');
    const name = oidToString(id.value);
    // RFC 5280 4.2: a certificate MUST NOT include more than one instance of an extension.
    if (extensions.has(name)) throw new Error(`the certificate repeats the extension ${name}`);
    extensions.set(name, { critical, value: value.value });
  }
  return {
    serial: Buffer.from(serial.value),
    issuer: Buffer.from(issuer.raw),
    notBefore: readTime(notBefore),
    notAfter: readTime(notAfter),
    extensions,
  };
}
