import type { Logger } from '../logger.ts';
import type { Config } from '../config/schema.ts';
import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { Ledger } from '../db/ledger/ledger.ts';
import type { XPostLookup } from '../sources/x/x-adapter.ts';
import type { ArchiveRepo } from './archive-repo.ts';
import type { Archiver } from './archiver.ts';
import type { LedgerStamper } from './ledger-stamper.ts';
import { runDeletionCheck } from './deletion-check.ts';
import type { CaptureRepo } from './capture/capture-repo.ts';
import type { Capturer } from './capture/capturer.ts';

export interface EvidenceParts {
  config: Readonly<Config>;
  log: Logger;
  /** Read by the deletion check (the raw payloads of the posts it checks). */
  posts: Pick<PostsRepo, 'rawPayloads'>;
  ledger: Ledger;
  archives: ArchiveRepo;
  archiver: Archiver;
  /** Local page captures (PNG, PDF, WARC); absent when capture.enabled is false. */
  capturer?: Capturer;
  captures?: CaptureRepo;
  /** Time-stamps the ledger head with every configured authority. */
  ledgerStamper?: LedgerStamper;
  /** Absent when no X credentials are configured: X posts are then checked by their page. */
  xLookup?: XPostLookup;
}

/** The evidence module's port, from parts built in the composition root. */
export function evidencePort(parts: EvidenceParts) {
  return {
    ledger: parts.ledger,
    archives: parts.archives,
    archiver: parts.archiver,
    capturer: parts.capturer,
    captures: parts.captures,
    ledgerStamper: parts.ledgerStamper,
    deletionCheck: (options: { watchId?: string; signal?: AbortSignal } = {}) =>
      runDeletionCheck(
        {
          config: parts.config,
          log: parts.log.child({ part: 'deletion-check' }),
          archives: parts.archives,
          posts: parts.posts,
          xLookup: parts.xLookup,
        },
        options,
      ),
  };
}

export type Evidence = ReturnType<typeof evidencePort>;
