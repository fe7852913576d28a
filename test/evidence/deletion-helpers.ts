import { Writable } from 'node:stream';
import { createArchiveRepo, type ArchiveRepo } from '../../src/evidence/archive-repo.ts';
import { runDeletionCheck, type DeletionCheckDeps } from '../../src/evidence/deletion-check.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createLogger } from '../../src/logger.ts';
import type { RawPost } from '../../src/sources/source.ts';
import { storePosts, type PostSpec, type TestStore } from './helpers.ts';

/** A post as its source adapter turned it into a RawPost (the payload stored as the API sent it). */
export function specOf(raw: RawPost | null): PostSpec {
  if (!raw) throw new Error('the adapter refused the fake item');
  return {
    platform: raw.platform,
    externalId: raw.externalId,
    url: raw.url,
    text: raw.text,
    raw: raw.raw,
  };
}

/** Stores the posts for `alice` and archives them all: the deletion watch only checks archived posts. */
export async function storeArchived(
  store: TestStore,
  specs: PostSpec[],
): Promise<{ ids: number[]; archives: ArchiveRepo }> {
  const ids = await storePosts(store, specs);
  const archives = createArchiveRepo(store.store, store.ledger);
  await archives.enrollPosts(ids, 'auto', Date.now());
  for (const id of ids)
    await archives.markArchived((await archives.get(id))!, {
      now: Date.now(),
      captureUrl: `https://web.archive.org/web/1/${id}`,
      timestamp: '20261126000000',
      via: 'spn2',
    });
  return { ids, archives };
}

/** A logger writing JSON lines to memory, to check what a run logs. */
export function memoryLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return {
    log: createLogger('debug', sink),
    lines,
    entries: () => lines.flatMap((l) => l.split('\n').filter((x) => x !== '')).map((l) => JSON.parse(l)),
  };
}

export function deletionRunner(
  store: TestStore,
  archives: ArchiveRepo,
  { blueskyAppViewUrl, ...extra }: Partial<DeletionCheckDeps> & { blueskyAppViewUrl?: string } = {},
): () => ReturnType<typeof runDeletionCheck> {
  // The AppView is a setting (sources.bluesky.appViewUrl): the fake's address goes in the config.
  const sources = store.config.sources;
  const config = blueskyAppViewUrl
    ? {
        ...store.config,
        sources: { ...sources, bluesky: { ...sources.bluesky, appViewUrl: blueskyAppViewUrl } },
      }
    : store.config;
  return () => runDeletionCheck({ config, log: store.log, archives, posts: store.posts, ...extra });
}

/** The `deleted_upstream` events recorded for a post: their data. */
export async function deletionEvents(
  store: TestStore,
  postId: number,
): Promise<{ how: string; detail?: string }[]> {
  return (await createLedger(store.store).eventsForPost(postId))
    .filter((e) => e.type === 'deleted_upstream')
    .map((e) => JSON.parse(e.data) as { how: string; detail?: string });
}

/** The archive row's deletion-watch columns, by post. */
export async function watchState(archives: ArchiveRepo, ids: readonly number[]) {
  const out: { deleted: boolean; checked: boolean }[] = [];
  for (const id of ids) {
    const row = (await archives.get(id))!;
    out.push({ deleted: row.deletedUpstreamAt !== null, checked: row.lastCheckedAt !== null });
  }
  return out;
}

/** The watch's `deleted_upstream` ledger rows, and whether the ledger's hash chain still verifies. */
export async function recordedDeletions(store: TestStore): Promise<{ count: number; chained: boolean }> {
  const ledger = createLedger(store.store);
  return {
    count: (await ledger.ofWatchAndType('alice', 'deleted_upstream')).length,
    chained: (await ledger.verify()).ok,
  };
}
