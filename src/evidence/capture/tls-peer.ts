import tls from 'node:tls';
import { guardedLookup } from '../../net/safe-fetch.ts';
import { assertAllowedAddress, literalAddress, type NetworkPolicy } from '../../net/address-policy.ts';

// The site's TLS certificate, for the collection log. The browser tells who issued the
// certificate and for how long (securityDetails) but not its fingerprint, so Vigie opens its own
// TLS connection to the same host and port right after the page loaded and records what that
// connection was shown: SHA-256 fingerprint, subject, issuer, validity, and whether the system's
// trust store accepted it. It is a second connection: a site with several certificates behind
// one name may show another one than the browser got; the log says so.

export interface PeerCertificate {
  /** SHA-256 of the DER certificate, hex pairs separated by colons (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  /** The certificate chained to a trusted root and matched the host name. */
  trusted: boolean;
  trustError: string | null;
  protocol: string | null;
  source: 'a separate TLS connection made by Vigie right after the page loaded';
}

function dn(fields: tls.PeerCertificate['subject'] | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** The certificate `host:port` presents, or throws (refused address, no TLS, timeout). */
export function peerCertificate(
  url: URL,
  o: { network: NetworkPolicy; timeoutMs: number },
): Promise<PeerCertificate> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 443);
  // An address written in the URL is never looked up: check it here.
  const literal = literalAddress(url);
  if (literal !== null) assertAllowedAddress(literal, literal, o.network);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      // SNI only for names (an address literal is not a valid server name).
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      // Accept any certificate to be able to record it; whether it was trusted is recorded beside it.
      rejectUnauthorized: false,
      lookup: guardedLookup(o.network),
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`TLS connection timed out after ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(false);
      const out: PeerCertificate = {
        fingerprintSha256: cert.fingerprint256,
        subject: dn(cert.subject),
        issuer: dn(cert.issuer),
        validFrom: new Date(cert.valid_from).toISOString(),
        validTo: new Date(cert.valid_to).toISOString(),
        serialNumber: cert.serialNumber,
        trusted: socket.authorized,
        trustError: socket.authorizationError ? String(socket.authorizationError) : null,
        protocol: socket.getProtocol(),
        source: 'a separate TLS connection made by Vigie right after the page loaded',
      };
      socket.end();
      resolve(out);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
