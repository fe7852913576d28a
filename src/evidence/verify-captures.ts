import { sha256Hex, type ExportedLedgerRow } from '../db/ledger/ledger-hash.ts';

// The capture files of a dossier (captures/<post id>/<name>) against the hashes their collection
// log recorded at capture time in the ledger: a file replaced and re-hashed into a rewritten
// manifest still differs from the chained ledger row. The last `page_captured` row of a post is
// the one whose files the dossier carries.

export function captureProblems(
  files: Readonly<Record<string, Uint8Array>>,
  rows: readonly ExportedLedgerRow[],
): string[] {
  const recorded = new Map<string, string>();
  const postsWithLog = new Set<number>();
  for (const r of rows) {
    if ('sealed' in r || r.type !== 'page_captured' || r.postId === null) continue;
    try {
      const data = JSON.parse(r.data) as { files?: { name: string; sha256: string }[] };
      postsWithLog.add(r.postId);
      for (const f of data.files ?? []) recorded.set(`captures/${r.postId}/${f.name}`, f.sha256);
    } catch {
      // An unreadable row is reported by the chain check (its hash no longer matches).
    }
  }
  const problems: string[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const m = /^captures\/(\d+)\//.exec(name);
    if (!m) continue;
    const sha = recorded.get(name);
    if (sha === undefined)
      problems.push(
        postsWithLog.has(Number(m[1]))
          ? `${name}: not among the files of the post's collection log in ledger.jsonl`
          : `${name}: no collection log (page_captured) for post ${m[1]} in ledger.jsonl`,
      );
    else if (sha256Hex(bytes) !== sha)
      problems.push(`${name}: its SHA-256 differs from the one recorded at capture in ledger.jsonl`);
  }
  return problems;
}
