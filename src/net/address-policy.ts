import ipaddr from 'ipaddr.js';

// Which addresses an outbound request to a URL somebody typed (a feed, a post's link) may reach.
// Only the resolved address is classified, never the host string: `2130706433`, `0x7f000001`,
// `127.1` and a DNS name pointing at 127.0.0.1 are all the same loopback address.

export interface NetworkPolicy {
  /** Intranet feeds and test fakes on 127.0.0.1: private, loopback and unique-local addresses allowed. */
  allowPrivateAddresses: boolean;
}

export const STRICT_NETWORK: NetworkPolicy = { allowPrivateAddresses: false };

/** A URL or address that the network policy refuses; the message names the reason, never a body. */
export class BlockedUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedUrlError';
  }
}

// Ranges (ipaddr.js names) an intranet setting opens. Link-local (169.254.0.0/16, fe80::/10) is
// never opened: it is where cloud metadata services answer, and no feed lives there.
const PRIVATE_RANGES = new Set(['private', 'loopback', 'uniqueLocal', 'carrierGradeNat']);

/** Why `address` may not be reached under `policy`, or null when it may. */
export function refusedRange(address: string, policy: NetworkPolicy): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'unparsable address';
  }
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (policy.allowPrivateAddresses && PRIVATE_RANGES.has(range)) return null;
  return range;
}

/** Throws BlockedUrlError when `address` is out of bounds. */
export function assertAllowedAddress(address: string, host: string, policy: NetworkPolicy): void {
  const range = refusedRange(address, policy);
  if (range === null) return;
  const hint = PRIVATE_RANGES.has(range) ? ' (set network.allowPrivateAddresses to reach an intranet)' : '';
  throw new BlockedUrlError(
    address === host
      ? `address ${address} is not allowed (${range})${hint}`
      : `${host} resolves to ${address}, which is not allowed (${range})${hint}`,
  );
}

/**
 * Parses and checks what can be checked without the network: http(s) only, no credentials.
 * Returns the URL with the host as the WHATWG parser normalises it (`0x7f000001` → `127.0.0.1`).
 */
export function checkUrlShape(raw: string | URL): URL {
  let url: URL;
  try {
    url = raw instanceof URL ? raw : new URL(raw);
  } catch {
    throw new BlockedUrlError('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BlockedUrlError(`scheme ${url.protocol} is not allowed (http or https only)`);
  if (url.username !== '' || url.password !== '')
    throw new BlockedUrlError('credentials in the URL are not allowed');
  if (url.hostname === '') throw new BlockedUrlError('the URL has no host');
  return url;
}

/** The host of a parsed URL as an address literal (brackets of IPv6 removed), or null for a name. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host))
    ? host
    : null;
}
