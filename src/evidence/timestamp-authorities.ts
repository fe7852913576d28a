import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { readCertificates } from './certificate-file.ts';

// Several RFC 3161 authorities, each asked on its own: one that is down or answers badly does not
// stop the others, and every token obtained is kept. A hash is proven to exist at a time as long
// as one authority's token stands, so two independent authorities survive one being compromised,
// closed or its certificate revoked.

export interface TimestampToken {
  authority: string;
  /** The DER TimeStampResp. */
  token: Uint8Array;
  genTimeMs: number;
}

export interface StampOutcome {
  tokens: TimestampToken[];
  failures: { authority: string; error: string }[];
}

/** `archive.timestampAuthorities`, with the older single `timestampAuthorityUrl` first; no duplicates. */
export function timestampAuthorities(archive: Readonly<Config['archive']>): string[] {
  const urls = [
    ...(archive.timestampAuthorityUrl ? [archive.timestampAuthorityUrl] : []),
    ...archive.timestampAuthorities,
  ];
  return [...new Set(urls)];
}

/** The roots of `archive.timestampTrustedCertificates`; throws naming an unreadable file. */
export function trustedTimestampRoots(archive: Readonly<Config['archive']>): X509Certificate[] {
  return archive.timestampTrustedCertificates.flatMap((file) => {
    try {
      return readCertificates(readFileSync(file));
    } catch (err) {
      throw new Error(
        `archive.timestampTrustedCertificates: ${file} holds no readable certificate (${(err as Error).message})`,
        { cause: err },
      );
    }
  });
}

/** Asks every authority at once to time-stamp `sha256`; each answer is checked before it is kept. */
export async function stampWithEvery(
  authorities: readonly string[],
  sha256: Uint8Array,
  o: { trusted?: readonly X509Certificate[]; log?: Logger; timeoutMs?: number } = {},
): Promise<StampOutcome> {
  const outcome: StampOutcome = { tokens: [], failures: [] };
  // The RFC 3161 code (pkijs, asn1js: ~12 MB) is loaded at the first stamp, not at start-up.
  const { parseTimestampResponse, requestTimestamp } = await import('./tsa.ts');
  const answers = await Promise.allSettled(
    authorities.map((url) => requestTimestamp(url, sha256, { trusted: o.trusted, timeoutMs: o.timeoutMs })),
  );
  answers.forEach((a, i) => {
    const authority = authorities[i]!;
    if (a.status === 'fulfilled') {
      outcome.tokens.push({
        authority,
        token: a.value,
        genTimeMs: parseTimestampResponse(a.value).genTimeMs,
      });
    } else {
      const error = (a.reason as Error).message;
      outcome.failures.push({ authority, error });
      o.log?.warn({ authority, err: error }, 'timestamp authority failed');
    }
  });
  return outcome;
}
