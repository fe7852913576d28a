import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import { LEVELS, type Level } from '../scoring/index.ts';
import { VERSION } from '../version.ts';
import { csvRow } from './csv.ts';
import type { DossierPost, DossierRepo, PostDecisions } from './dossier-repo.ts';
import { isoOrNull, postJsonCore } from '../db/repositories/post-json.ts';
import type { Ledger } from '../db/ledger/ledger.ts';
import { contentHash, sha256Hex, type ExportedLedgerRow } from '../db/ledger/ledger-hash.ts';
import { groupOf, renderReport } from './report-html.ts';
import type { ReportLang } from './report-i18n.ts';
import type { CaptureRepo } from './capture/capture-repo.ts';
import { dossierCaptureFiles } from './dossier-captures.ts';
import type { LedgerTimestampsRepo } from './ledger-timestamps-repo.ts';
import { NO_CAPTURES, renderPostSummary, summaryFileName, type PostCaptures } from './post-summary.ts';
import { timestampAuthorities, trustedTimestampRoots } from './timestamp-authorities.ts';
import {
  ledgerTimestampFiles,
  manifestTimestampEntries,
  stampManifest,
  type LedgerTimestampEntry,
  type ManifestTimestampEntry,
} from './dossier-timestamps.ts';
import { IMPERSONATIONS_FILE, impersonationsCsv, type ConfirmedImpersonation } from './impersonations-csv.ts';

export const DOSSIER_FORMAT = 'vigie-dossier/1';
export const CONTENT_FILES = ['report.html', 'posts.csv', 'posts.jsonl', 'ledger.jsonl'] as const;

export interface DossierDeps {
  config: Readonly<Config>;
  watches: WatchesRepo;
  ledger: Ledger;
  /** The posts a dossier holds, with their archive and deletion state. */
  dossierPosts: Pick<DossierRepo, 'select' | 'decisions'>;
  /** The posts' local captures (PNG, PDF, WARC), added under captures/<post id>/. */
  captures?: Pick<CaptureRepo, 'capturedOf'>;
  /** The ledger-head timestamps (absent: the dossier carries none). */
  ledgerTimestamps?: Pick<LedgerTimestampsRepo, 'between'>;
  log?: Logger;
  /** Accounts confirmed as impersonating the person (impersonations.csv when there are any). */
  confirmedImpersonations?: (watchId: string) => Promise<readonly ConfirmedImpersonation[]>;
}

export interface DossierOptions {
  watchId: string;
  from?: number;
  to?: number;
  /** Default `low`: every post the scorer found hostile in any way (plus posts flagged by hand). */
  minLevel?: Level;
  lang?: ReportLang;
  /** IANA time zone of the local times on the one-page summaries; default Europe/Paris. */
  timeZone?: string;
  /** Who exported it (recorded in the ledger). */
  actor?: string;
  now?: () => number;
}

export interface Manifest {
  format: typeof DOSSIER_FORMAT;
  vigieVersion: string;
  generatedAt: string;
  watchId: string;
  filters: { from: string | null; to: string | null; minLevel: Level };
  posts: number;
  ledger: { firstId: number | null; headId: number | null; head: string | null };
  files: Record<string, string>;
  /** The first authority's manifest token (format 1 readers know only this one). */
  timestamp: ManifestTimestampEntry | null;
  /** Every authority asked for a manifest token; those that answered have their file in manifest.json.sha256. */
  timestamps?: ManifestTimestampEntry[];
  /** Tokens on ledger rows of ledger.jsonl (their files are listed in `files`). */
  ledgerTimestamps?: LedgerTimestampEntry[];
}

/** Writes the dossier ZIP and records an `exported` event. */
export async function writeDossier(
  deps: DossierDeps,
  o: DossierOptions,
  outFile: string,
): Promise<{ file: string; posts: number; sha256: string }> {
  const now = o.now ?? Date.now;
  const watch = await deps.watches.get(o.watchId);
  if (!watch) throw new Error(`no watch with id "${o.watchId}"`);
  const minLevel: Level = o.minLevel ?? 'low';
  const levels = LEVELS.filter((l) => LEVELS.indexOf(l) >= LEVELS.indexOf(minLevel));
  const posts = await deps.dossierPosts.select({ watchId: o.watchId, levels, from: o.from, to: o.to });
  const decisions = await deps.dossierPosts.decisions(o.watchId);
  const ledger = deps.ledger;
  const generatedAt = now();

  // The ledger from this watch's first event to the current head; other watches' rows are sealed
  // (content hash only) so the chain can be checked without revealing them.
  const head = await ledger.head();
  const exported = await ledger.iterateForExport(o.watchId);
  const ledgerLines: string[] = [];
  for await (const row of exported.rows) {
    if (head && row.id > head.id) break;
    const line: ExportedLedgerRow =
      row.watchId === o.watchId
        ? row
        : { id: row.id, sealed: true, contentHash: contentHash(row), prevHash: row.prevHash, hash: row.hash };
    ledgerLines.push(JSON.stringify(line));
  }

  const authorities = timestampAuthorities(deps.config.archive);
  const stampEntries = manifestTimestampEntries(authorities);
  const ledgerStamps = await ledgerTimestampFiles(deps.ledgerTimestamps, exported.firstId, head?.id);

  const files: Record<string, Uint8Array> = {
    'report.html': strToU8(
      renderReport({
        watchId: o.watchId,
        watchNames: watch.definition.names,
        generatedAt,
        from: o.from,
        to: o.to,
        minLevel,
        ledgerHead: head?.hash ?? '—',
        posts,
        lang: o.lang ?? 'both',
        timestamped: authorities.length > 0,
        decisions,
      }),
    ),
    'posts.csv': strToU8(postsCsv(posts, decisions)),
    'posts.jsonl': strToU8(
      posts.map((p) => `${JSON.stringify(postLine(p, decisions.get(p.id)))}\n`).join(''),
    ),
    'ledger.jsonl': strToU8(ledgerLines.map((l) => `${l}\n`).join('')),
    ...ledgerStamps.files,
  };
  let included: PostCaptures = NO_CAPTURES;
  if (deps.captures) {
    const captured = await dossierCaptureFiles(
      deps.config.dataDir,
      deps.captures,
      posts.map((p) => p.id),
    );
    Object.assign(files, captured.files);
    for (const problem of captured.problems)
      deps.log?.warn({ watch: o.watchId }, `dossier: capture left out: ${problem}`);
    included = captured.included;
  }
  // One printable page per post, for a lawyer or a police station.
  for (const p of posts)
    files[summaryFileName(p.id)] = strToU8(
      renderPostSummary(p, {
        lang: o.lang ?? 'both',
        timeZone: o.timeZone ?? 'Europe/Paris',
        captures: included.filesFor(p.id),
        decisions: decisions.get(p.id),
      }),
    );
  const impersonations = (await deps.confirmedImpersonations?.(o.watchId)) ?? [];
  if (impersonations.length > 0) files[IMPERSONATIONS_FILE] = strToU8(impersonationsCsv(impersonations));
  const manifest: Manifest = {
    format: DOSSIER_FORMAT,
    vigieVersion: VERSION,
    generatedAt: new Date(generatedAt).toISOString(),
    watchId: o.watchId,
    filters: { from: isoOrNull(o.from), to: isoOrNull(o.to), minLevel },
    posts: posts.length,
    ledger: { firstId: exported.firstId ?? null, headId: head?.id ?? null, head: head?.hash ?? null },
    files: Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, sha256Hex(bytes)])),
    timestamp: stampEntries[0] ?? null,
    ...(stampEntries.length > 1 ? { timestamps: stampEntries } : {}),
    ...(ledgerStamps.entries.length > 0 ? { ledgerTimestamps: ledgerStamps.entries } : {}),
  };
  const manifestBytes = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestSha = sha256Hex(manifestBytes);
  files['manifest.json'] = manifestBytes;
  let sums = `${manifestSha}  manifest.json\n`;
  if (stampEntries.length > 0) {
    const tokens = await stampManifest(stampEntries, Buffer.from(manifestSha, 'hex'), {
      trusted: trustedTimestampRoots(deps.config.archive),
      log: deps.log,
    });
    for (const [name, token] of tokens) {
      files[name] = token;
      sums += `${sha256Hex(token)}  ${name}\n`;
    }
  }
  // sha256sum's own format: `sha256sum -c manifest.json.sha256` checks it. The files it covers
  // cannot list their own hash, so this small file does, and any change to it shows as well.
  files['manifest.json.sha256'] = strToU8(sums);

  const mtime = new Date(generatedAt);
  const zip = zipSync(
    Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, [bytes, { mtime }]])),
    { level: 6 },
  );
  const file = path.resolve(outFile);
  const tmp = `${file}.partial-${process.pid}`;
  writeFileSync(tmp, zip);
  renameSync(tmp, file);
  const sha256 = sha256Hex(zip);
  await ledger.append({
    type: 'exported',
    watchId: o.watchId,
    actor: o.actor ?? 'system',
    data: {
      file: path.basename(file),
      sha256,
      manifestSha256: manifestSha,
      posts: posts.length,
      ledgerHead: head?.hash ?? null,
      filters: manifest.filters,
    },
  });
  deps.log?.info({ watch: o.watchId, posts: posts.length, sha256 }, 'dossier exported');
  return { file, posts: posts.length, sha256 };
}

function postLine(p: DossierPost, d: PostDecisions | undefined) {
  return {
    id: p.id,
    watchId: p.watchId,
    ...postJsonCore(p),
    level: p.level,
    score: p.score,
    categories: p.categories,
    humanLabel: p.humanLabel ? { label: 'hostile', category: p.humanLabel } : null,
    archive: p.archiveStatus
      ? { status: p.archiveStatus, captureUrl: p.captureUrl, timestamp: p.captureTimestamp }
      : null,
    deletedUpstreamAt: isoOrNull(p.deletedUpstreamAt),
    review: d?.review ? { ...d.review, at: isoOrNull(d.review.at) } : null,
    reports: (d?.reports ?? []).map((r) => ({ ...r, reportedAt: isoOrNull(r.reportedAt) })),
    rawSha256: p.rawSha256,
    /** The payload exactly as the platform answered it. */
    raw: p.raw,
  };
}

function postsCsv(posts: readonly DossierPost[], decisions: ReadonlyMap<number, PostDecisions>): string {
  // The BOM makes spreadsheet programs read UTF-8 (accents, emoji) correctly.
  let out = `\uFEFF${csvRow(['id', 'platform', 'url', 'author_handle', 'author_name', 'published_utc', 'seen_utc', 'level', 'score', 'categories', 'group', 'text', 'raw_sha256', 'archive_status', 'archive_url', 'archive_timestamp', 'deleted_upstream_utc', 'human_label', 'human_category', 'review_status', 'reviewed_by', 'reviewed_utc', 'reports'])}`;
  for (const p of posts) {
    out += csvRow([
      p.id,
      p.platform,
      p.url,
      p.authorHandle,
      p.authorName,
      isoOrNull(p.createdAt),
      isoOrNull(p.firstSeenAt),
      p.level,
      p.score,
      p.categories.join(' '),
      groupOf(p).replace(/^cat_/, ''),
      p.text,
      p.rawSha256,
      p.archiveStatus,
      p.captureUrl,
      p.captureTimestamp,
      isoOrNull(p.deletedUpstreamAt),
      p.humanLabel ? 'hostile' : null,
      p.humanLabel,
      ...decisionCells(decisions.get(p.id)),
    ]);
  }
  return out;
}

/** Review status, who, when; then every report filed as `channel reported_utc ref:… by:…`, separated by ` | `. */
function decisionCells(d: PostDecisions | undefined): (string | null)[] {
  const reports = (d?.reports ?? [])
    .map((r) =>
      [r.channel, isoOrNull(r.reportedAt), r.reference ? `ref:${r.reference}` : '', r.by ? `by:${r.by}` : '']
        .filter(Boolean)
        .join(' '),
    )
    .join(' | ');
  return [d?.review?.status ?? 'new', d?.review?.by ?? null, isoOrNull(d?.review?.at), reports || null];
}
