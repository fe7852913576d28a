import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../db/ledger/ledger-hash.ts';
import type { CaptureRepo } from './capture/capture-repo.ts';
import type { CaptureFile, PostCaptures } from './post-summary.ts';

// The local captures (PNG, PDF, WARC) of a dossier's posts, as files of the ZIP:
// captures/<post id>/page.png … Their SHA-256 go into the manifest with every other file, so
// `vigie verify` names a capture file whose bytes changed. A file whose bytes on disk no longer
// match the hash recorded at capture is left out and named in the returned problems: the
// dossier never carries a capture that differs from what the collection log describes.

export interface DossierCaptures {
  files: Record<string, Uint8Array>;
  /** The files included, per post, for the one-page summaries. */
  included: PostCaptures;
  /** Captures that could not be included (missing on disk, or changed since capture). */
  problems: string[];
}

export async function dossierCaptureFiles(
  dataDir: string,
  captures: Pick<CaptureRepo, 'capturedOf'>,
  postIds: readonly number[],
): Promise<DossierCaptures> {
  const files: Record<string, Uint8Array> = {};
  const byPost = new Map<number, CaptureFile[]>();
  const problems: string[] = [];
  for (const row of await captures.capturedOf(postIds)) {
    if (!row.dir) continue;
    for (const f of row.files) {
      const name = `captures/${row.postId}/${f.name}`;
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(dataDir, row.dir, f.name));
      } catch (err) {
        problems.push(`${name}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
        continue;
      }
      if (sha256Hex(bytes) !== f.sha256) {
        problems.push(`${name}: differs from the SHA-256 recorded at capture`);
        continue;
      }
      files[name] = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const kind = path.extname(f.name).slice(1);
      byPost.set(row.postId, [...(byPost.get(row.postId) ?? []), { kind, path: name, sha256: f.sha256 }]);
    }
  }
  return { files, included: { filesFor: (postId) => byPost.get(postId) ?? [] }, problems };
}
