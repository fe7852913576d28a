import { readFile } from 'node:fs/promises';
import type { X509Certificate } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import { checkChainAll, sha256Hex, type ExportedLedgerRow } from '../db/ledger/ledger-hash.ts';
import { CONTENT_FILES, DOSSIER_FORMAT, type Manifest } from './dossier.ts';
import { captureProblems } from './verify-captures.ts';
import { checkLedgerTimestamps, checkManifestTimestamps } from './verify-timestamps.ts';

// Independent check of a dossier ZIP: needs nothing but the file. Any changed, added or removed
// byte makes it fail, naming every mismatch found (one tampered line must not hide another). A manifest timestamp must carry a valid signature
// of a time-stamping certificate; `tsaCerts` (the authority's certificate, or the one that issued
// it) pins who that may be.

export interface DossierVerification {
  ok: boolean;
  summary: string;
  firstMismatch?: string;
  /** Every mismatch found, in file order (the first is `firstMismatch`). */
  mismatches?: string[];
  /** The file could not be read as a ZIP at all (missing, unreadable, not a ZIP): nothing was checked. */
  unreadable?: boolean;
}

const fail = (...mismatches: string[]): DossierVerification => ({
  ok: false,
  summary:
    mismatches.length === 1
      ? `NOT intact: ${mismatches[0]}`
      : `NOT intact: ${mismatches.length} mismatches:\n${mismatches.map((m) => `  - ${m}`).join('\n')}`,
  firstMismatch: mismatches[0],
  mismatches,
});

export interface VerifyOptions {
  /** The timestamp must be signed by one of these certificates or by one they issued. */
  tsaCerts?: readonly X509Certificate[];
}

export async function verifyDossier(file: string, opts: VerifyOptions = {}): Promise<DossierVerification> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? 'unreadable');
    return { ok: false, unreadable: true, summary: `cannot read ${file}: ${why}` };
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(bytes));
  } catch (err) {
    // Not a ZIP (or a damaged one, that no longer opens): there is no dossier here to judge.
    return {
      ok: false,
      unreadable: true,
      summary: `cannot read ${file} as a dossier: not a readable ZIP (${(err as Error).message})`,
    };
  }

  const manifestBytes = files['manifest.json'];
  const manifestSum = files['manifest.json.sha256'];
  if (!manifestBytes) return fail('manifest.json is missing');
  if (!manifestSum) return fail('manifest.json.sha256 is missing');
  const manifestSha = sha256Hex(manifestBytes);
  const sums = strFromU8(manifestSum).split('\n');
  if (sums[0] !== `${manifestSha}  manifest.json`)
    return fail('manifest.json: its SHA-256 differs from manifest.json.sha256');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(strFromU8(manifestBytes)) as Manifest;
  } catch {
    return fail('manifest.json is not valid JSON');
  }
  if (manifest.format !== DOSSIER_FORMAT)
    return fail(`manifest.json: unknown format ${JSON.stringify(manifest.format)}`);
  // Every authority asked for a manifest token; the ones that answered are listed after the manifest.
  const stampEntries = manifest.timestamps ?? (manifest.timestamp ? [manifest.timestamp] : []);
  const expectedSums = [sums[0]];
  for (const e of stampEntries) {
    const tsr = files[e.file];
    if (!tsr) continue;
    const line = `${sha256Hex(tsr)}  ${e.file}`;
    if (sums[expectedSums.length] !== line)
      return fail(`${e.file}: its SHA-256 differs from manifest.json.sha256`);
    expectedSums.push(line);
  }
  expectedSums.push('');
  if (sums.join('\n') !== expectedSums.join('\n')) return fail('manifest.json.sha256: unexpected content');

  const expected = new Set<string>([
    'manifest.json',
    'manifest.json.sha256',
    ...Object.keys(manifest.files ?? {}),
  ]);
  for (const e of stampEntries) if (files[e.file]) expected.add(e.file);
  for (const name of CONTENT_FILES)
    if (!(name in (manifest.files ?? {}))) return fail(`manifest.json does not list ${name}`);
  const problems: string[] = [];
  for (const name of Object.keys(files))
    if (!expected.has(name)) problems.push(`${name}: a file not listed in the manifest was added`);
  for (const name of expected) if (!files[name]) problems.push(`${name} is missing`);
  for (const [name, sha] of Object.entries(manifest.files)) {
    if (files[name] && sha256Hex(files[name]) !== sha)
      problems.push(`${name}: its SHA-256 differs from the manifest`);
  }
  if (!files['ledger.jsonl'] || !files['posts.jsonl']) return fail(...problems);

  // Ledger: the chain holds and ends at the head the manifest names.
  const rows: ExportedLedgerRow[] = [];
  for (const [i, l] of lines(files['ledger.jsonl']).entries()) {
    try {
      rows.push(JSON.parse(l) as ExportedLedgerRow);
    } catch {
      problems.push(`ledger.jsonl line ${i + 1} is not valid JSON`);
    }
  }
  for (const broken of checkChainAll(rows)) problems.push(`ledger.jsonl row ${broken.id}: ${broken.reason}`);
  problems.push(...captureProblems(files, rows));
  const last = rows.at(-1);
  if (last && (last.hash !== manifest.ledger.head || last.id !== manifest.ledger.headId))
    problems.push('ledger.jsonl does not end at the head named in the manifest');
  const captured = new Map<number, { rawSha256: string; textSha256?: string }>();
  for (const r of rows) {
    if ('sealed' in r || r.type !== 'captured' || r.postId === null) continue;
    try {
      captured.set(r.postId, JSON.parse(r.data) as { rawSha256: string; textSha256?: string });
    } catch {
      problems.push(`ledger.jsonl row ${r.id}: its data is not valid JSON`);
    }
  }

  // Posts: each payload hashes to its recorded fingerprint, which the ledger recorded at capture.
  const postLines = lines(files['posts.jsonl']);
  if (postLines.length !== manifest.posts)
    problems.push(`posts.jsonl holds ${postLines.length} posts, the manifest says ${manifest.posts}`);
  for (const [i, l] of postLines.entries()) {
    const problem = checkPostLine(l, i + 1, captured, rows.length > 0);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return fail(...problems);

  const manifestStamps = checkManifestTimestamps(stampEntries, files, manifestSha, opts.tsaCerts);
  const rowHashes = new Map(rows.map((r) => [r.id, r.hash]));
  const ledgerStamps = checkLedgerTimestamps(
    manifest.ledgerTimestamps ?? [],
    files,
    rowHashes,
    opts.tsaCerts,
  );
  const stampProblems = [...manifestStamps.problems, ...ledgerStamps.problems];
  if (stampProblems.length > 0) return fail(...stampProblems);
  if (stampEntries.length === 0 && opts.tsaCerts?.length)
    return fail('an authority certificate was given but the dossier holds no timestamp');
  const stamp = [...manifestStamps.notes, ...ledgerStamps.notes].map((n) => `; ${n}`).join('');
  return {
    ok: true,
    summary:
      `intact: ${expected.size} files, ${postLines.length} posts with matching payload hashes, ` +
      `${rows.length} ledger rows chained to head ${manifest.ledger.head ?? '(none)'}; ` +
      `watch ${manifest.watchId}, generated ${manifest.generatedAt} by Vigie ${manifest.vigieVersion}${stamp}`,
  };
}

/** What is wrong with one line of posts.jsonl, or undefined. */
function checkPostLine(
  line: string,
  n: number,
  captured: ReadonlyMap<number, { rawSha256: string; textSha256?: string }>,
  hasLedger: boolean,
): string | undefined {
  let p: { id: number; raw: string; rawSha256: string; text: string };
  try {
    p = JSON.parse(line) as typeof p;
  } catch {
    return `posts.jsonl line ${n} is not valid JSON`;
  }
  const where = `posts.jsonl line ${n} (post ${p.id})`;
  if (typeof p.raw !== 'string' || sha256Hex(Buffer.from(p.raw, 'utf8')) !== p.rawSha256)
    return `${where}: the payload does not match its SHA-256`;
  const atCapture = captured.get(p.id);
  if (atCapture !== undefined && atCapture.rawSha256 !== p.rawSha256)
    return `${where}: the SHA-256 differs from the one recorded at capture`;
  if (
    atCapture?.textSha256 !== undefined &&
    sha256Hex(Buffer.from(String(p.text), 'utf8')) !== atCapture.textSha256
  )
    return `${where}: the text differs from the one recorded at capture`;
  if (atCapture === undefined && hasLedger) return `${where}: no capture event in ledger.jsonl`;
  return undefined;
}

function lines(bytes: Uint8Array): string[] {
  return strFromU8(bytes)
    .split('\n')
    .filter((l) => l.length > 0);
}
