import {
  assertAllowedAddress,
  BlockedUrlError,
  checkUrlShape,
  literalAddress,
  type NetworkPolicy,
} from './address-policy.ts';

// What can be said about a typed URL before any request, so a form can answer on the field itself:
// the shape (http(s), no credentials), an address written in the URL (in any spelling the URL
// parser accepts: 2130706433, 0x7f000001, [::ffff:127.0.0.1]) and the names that always mean
// this machine. A name is resolved only when the URL is fetched (safe-fetch.ts), where the check
// is made again on the address actually connected to.

const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/** Why `raw` may not be fetched under `policy`, or null when nothing is known against it. */
export function urlProblem(raw: string, policy: NetworkPolicy): string | null {
  try {
    const url = checkUrlShape(raw);
    const host = url.hostname.replace(/\.$/, '');
    const literal = literalAddress(url);
    if (literal !== null) assertAllowedAddress(literal, literal, policy);
    else if (LOCAL_NAMES.test(host)) assertAllowedAddress('127.0.0.1', host, policy);
    return null;
  } catch (err) {
    if (err instanceof BlockedUrlError) return err.message;
    throw err;
  }
}
