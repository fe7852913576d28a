import type { X509Certificate } from 'node:crypto';
import type { ManifestTimestampEntry, LedgerTimestampEntry } from './dossier-timestamps.ts';
import { parseTimestampResponse } from './tsa.ts';
import { checkTimestampSigner, type TimestampSigner } from './tsa-signer.ts';

// The RFC 3161 tokens of a dossier, checked by `vigie verify`: each token's CMS signature, its
// signer certificate (ESS signing-certificate, time-stamping key usage, validity) and, with
// trusted roots, the chain to one of them; then what it time-stamps: the manifest's hash, or the
// hash of a row of ledger.jsonl.

export interface TimestampCheck {
  problems: string[];
  /** One sentence per token that verifies: what, when, by whom. */
  notes: string[];
}

/** Tokens on the manifest. `present`: the token files the ZIP holds (a failed authority has none). */
export function checkManifestTimestamps(
  entries: readonly ManifestTimestampEntry[],
  files: Readonly<Record<string, Uint8Array>>,
  manifestSha: string,
  tsaCerts: readonly X509Certificate[] | undefined,
): TimestampCheck {
  const out: TimestampCheck = { problems: [], notes: [] };
  const present = entries.filter((e) => files[e.file]);
  if (entries.length > 0 && present.length === 0) out.problems.push(`${entries[0]!.file} is missing`);
  for (const e of entries) {
    const bytes = files[e.file];
    if (!bytes) {
      out.notes.push(`no manifest timestamp from ${e.authority} (it did not answer at export)`);
      continue;
    }
    try {
      const info = parseTimestampResponse(bytes);
      if (!info.imprint.equals(Buffer.from(manifestSha, 'hex'))) {
        out.problems.push(`${e.file}: the timestamp is for another manifest`);
        continue;
      }
      const signer = checkTimestampSigner(info.signedData, info.genTimeMs, tsaCerts);
      out.notes.push(
        `manifest time-stamped at ${info.genTime} by ${e.authority}, signature valid (${signedBy(signer)})`,
      );
    } catch (err) {
      out.problems.push(`${e.file}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Tokens on ledger rows: each must time-stamp the hash of the row it names, present in ledger.jsonl. */
export function checkLedgerTimestamps(
  entries: readonly LedgerTimestampEntry[],
  files: Readonly<Record<string, Uint8Array>>,
  rowHashes: ReadonlyMap<number, string>,
  tsaCerts: readonly X509Certificate[] | undefined,
): TimestampCheck {
  const out: TimestampCheck = { problems: [], notes: [] };
  for (const e of entries) {
    const bytes = files[e.file];
    if (!bytes) continue; // named missing by the manifest check
    try {
      const info = parseTimestampResponse(bytes);
      const imprint = info.imprint.toString('hex');
      const rowHash = rowHashes.get(e.ledgerId);
      if (rowHash === undefined) {
        out.problems.push(`${e.file}: ledger row ${e.ledgerId} is not in ledger.jsonl`);
        continue;
      }
      if (imprint !== rowHash) {
        out.problems.push(
          `${e.file}: the timestamp is not for the hash of ledger row ${e.ledgerId} (imprint ${imprint})`,
        );
        continue;
      }
      const signer = checkTimestampSigner(info.signedData, info.genTimeMs, tsaCerts);
      out.notes.push(
        `ledger row ${e.ledgerId} (and every row before it) time-stamped at ${info.genTime} by ${e.authority}, signature valid (${signedBy(signer)})`,
      );
    } catch (err) {
      out.problems.push(`${e.file}: ${(err as Error).message}`);
    }
  }
  return out;
}

function signedBy(s: TimestampSigner): string {
  const who = `signed by ${s.subject}, certificate SHA-256 ${s.fingerprint}`;
  if (!s.anchor) return who;
  return s.anchor.same
    ? `${who}, the given authority certificate`
    : `${who}, issued by the given authority certificate ${s.anchor.subject}`;
}
