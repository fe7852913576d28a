import { csvRow } from './csv.ts';

// Identity theft is an offence of its own (usurpation d'identité): the accounts a reviewer
// confirmed as impersonating the person go into the dossier as one file, beside the posts.

export interface ConfirmedImpersonation {
  platform: string;
  accountId: string;
  handle: string | null;
  name: string | null;
  reason: string;
  similarity: number;
  firstSeenAt: number;
  decidedAt: number | null;
}

export const IMPERSONATIONS_FILE = 'impersonations.csv';

export function impersonationsCsv(rows: readonly ConfirmedImpersonation[]): string {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  // The BOM makes spreadsheet programs read UTF-8 correctly; csvRow neutralises formulas.
  let out = `\uFEFF${csvRow(['platform', 'account_id', 'handle', 'name', 'reason', 'similarity', 'first_seen_utc', 'confirmed_utc'])}`;
  for (const r of rows)
    out += csvRow([
      r.platform,
      r.accountId,
      r.handle,
      r.name,
      r.reason,
      r.similarity.toFixed(2),
      iso(r.firstSeenAt),
      iso(r.decidedAt),
    ]);
  return out;
}
