import type { X509Certificate } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { LedgerTimestampsRepo } from './ledger-timestamps-repo.ts';
import { stampWithEvery } from './timestamp-authorities.ts';

// The RFC 3161 tokens a dossier carries. Two kinds:
// - on the manifest, asked at export from every authority: they cover the manifest, hence every
//   file's SHA-256 it lists. The manifest names the authorities asked (it is hashed before they
//   answer); manifest.json.sha256 lists the tokens obtained.
// - on the custody ledger's head, asked on a schedule and after evidence was added: each covers one
//   row of ledger.jsonl and, through the hash chain, every row before it. They prove the rows
//   existed well before the export, at the authority's time.

export interface ManifestTimestampEntry {
  file: string;
  authority: string;
}

export interface LedgerTimestampEntry {
  file: string;
  /** The ledger row whose hash is the token's imprint (present in ledger.jsonl). */
  ledgerId: number;
  authority: string;
}

/** Where each authority's manifest token goes: the first keeps the name of format 1. */
export function manifestTimestampEntries(authorities: readonly string[]): ManifestTimestampEntry[] {
  return authorities.map((authority, i) => ({
    file: i === 0 ? 'manifest.json.tsr' : `manifest.json.${i + 1}.tsr`,
    authority,
  }));
}

/**
 * Asks every authority for a token on the manifest. Keeps each token obtained; throws when none
 * answered (a dossier that should be time-stamped is not written without one).
 */
export async function stampManifest(
  entries: readonly ManifestTimestampEntry[],
  manifestSha: Buffer,
  o: { trusted?: readonly X509Certificate[]; log?: Logger },
): Promise<Map<string, Uint8Array>> {
  const outcome = await stampWithEvery(
    entries.map((e) => e.authority),
    manifestSha,
    o,
  );
  if (outcome.tokens.length === 0) throw new Error(outcome.failures.map((f) => f.error).join('; '));
  const byAuthority = new Map(outcome.tokens.map((t) => [t.authority, t.token]));
  const files = new Map<string, Uint8Array>();
  for (const e of entries) {
    const token = byAuthority.get(e.authority);
    if (token) files.set(e.file, token);
  }
  return files;
}

/** The ledger-head tokens on rows `firstId`..`headId`, as dossier files. */
export async function ledgerTimestampFiles(
  repo: Pick<LedgerTimestampsRepo, 'between'> | undefined,
  firstId: number | undefined,
  headId: number | undefined,
): Promise<{ entries: LedgerTimestampEntry[]; files: Record<string, Uint8Array> }> {
  const entries: LedgerTimestampEntry[] = [];
  const files: Record<string, Uint8Array> = {};
  if (!repo || firstId === undefined || headId === undefined) return { entries, files };
  for (const row of await repo.between(firstId, headId)) {
    const file = `ledger-timestamps/row-${row.ledgerId}-${row.id}.tsr`;
    entries.push({ file, ledgerId: row.ledgerId, authority: row.authority });
    files[file] = new Uint8Array(row.token);
  }
  return { entries, files };
}
