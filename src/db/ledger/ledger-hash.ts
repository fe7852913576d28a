import { createHash } from 'node:crypto';

// The hash chain of the custody ledger, shared by the database side (append, verify) and by the
// dossier verifier, which has only the exported rows. Each row's hash covers the previous row's
// hash and a hash of its own content, so an exported dossier can carry "sealed" rows of other
// watches (content hash only) and still prove the chain without revealing them.

export const GENESIS_HASH = '0'.repeat(64);

export interface LedgerRowContent {
  id: number;
  at: number;
  type: string;
  watchId: string;
  postId: number | null;
  actor: string;
  /** JSON text exactly as stored. */
  data: string;
}

export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}

/** The hash of a row's content: a JSON array, so field order and types are fixed. */
export function contentHash(row: LedgerRowContent): string {
  return sha256Hex(JSON.stringify([row.id, row.at, row.type, row.watchId, row.postId, row.actor, row.data]));
}

export function chainHash(prevHash: string, content: string): string {
  return sha256Hex(`${prevHash}${content}`);
}

/** A row as it appears in ledger.jsonl: full (this watch) or sealed (another watch's event). */
export type ExportedLedgerRow =
  | (LedgerRowContent & { prevHash: string; hash: string })
  | { id: number; sealed: true; contentHash: string; prevHash: string; hash: string };

/**
 * Checks exported rows: consecutive ids, each prev_hash equal to the previous hash, each hash
 * recomputed. Returns the first problem, or undefined when the chain holds.
 */
export function checkChain(rows: readonly ExportedLedgerRow[]): { id: number; reason: string } | undefined {
  return checkChainAll(rows)[0];
}

/**
 * Every problem of the chain. After a broken row the check goes on from that row's stored hash,
 * so a tampered row is named once and a second tampering further down is named too.
 */
export function checkChainAll(rows: readonly ExportedLedgerRow[]): { id: number; reason: string }[] {
  const problems: { id: number; reason: string }[] = [];
  let prev: { id: number; hash: string } | undefined;
  for (const row of rows) {
    const problem = rowProblem(row, prev);
    if (problem) problems.push({ id: row.id, reason: problem });
    prev = { id: row.id, hash: row.hash };
  }
  return problems;
}

function rowProblem(row: ExportedLedgerRow, prev: { id: number; hash: string } | undefined): string | null {
  if (prev && row.id !== prev.id + 1) return `expected row ${prev.id + 1}, found row ${row.id}`;
  if (!prev && row.id === 1 && row.prevHash !== GENESIS_HASH)
    return 'the first row does not start from the genesis hash';
  if (prev && row.prevHash !== prev.hash) return "prev_hash differs from the previous row's hash";
  const content = 'sealed' in row ? row.contentHash : contentHash(row);
  if (chainHash(row.prevHash, content) !== row.hash) return "the hash does not match the row's content";
  return null;
}
