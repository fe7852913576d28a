import { createHash } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { SourcesRepo } from '../db/repositories/sources-repo.ts';
import type { PostsRepo, PostToStore, StoredPostRef } from '../db/repositories/posts-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { AdapterRegistry } from '../sources/source.ts';
import { RateLimitError, SourceError, type RawPost } from '../sources/source.ts';
import type { ScorerCache } from './scorer-cache.ts';
import type { Scorer } from '../scoring/index.ts';
import { withPiiHits, type PiiGuard } from '../identity/pii.ts';
import type { WatchConfig } from '../config/schema.ts';
import { wellFormedDeep } from '../text/well-formed.ts';

export interface PollSourceDeps {
  sources: SourcesRepo;
  posts: PostsRepo;
  watches: WatchesRepo;
  adapters: AdapterRegistry;
  scorers: ScorerCache;
  log: Logger;
  now?: () => number;
  /** Called once per stored page with the posts that were new (alerts, archiving hook in here). */
  afterStore?: (watchId: string, stored: readonly StoredPostRef[]) => Promise<void> | void;
  /** Doxxing check per watch: a match makes the post `doxxing`, `severe`, hostile. */
  pii?: { forWatch(watch: WatchConfig): Promise<PiiGuard> };
}

export interface PollOutcome {
  sourceId: number;
  watchId: string;
  kind: string;
  target: string;
  ok: boolean;
  pages: number;
  fetched: number;
  stored: number;
  hostile: number;
  warnings: string[];
  error?: string;
  /** Set when the source asked us to wait (rate limit): when to try again. */
  retryAt?: number;
  /** Whether trying again soon may help (false for e.g. a 404 feed or a revoked token). */
  retryable?: boolean;
}

export function fingerprint(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** A post's full score: the scorer's words, then the watch's private information (doxxing). */
export function scorePost(
  text: string,
  lang: string | null,
  scorer: Scorer,
  pii?: PiiGuard,
): NonNullable<PostToStore['score']> {
  const s = withPiiHits(scorer.score(text, lang ?? undefined), pii?.check(text));
  return {
    score: s.score,
    level: s.level,
    hostile: s.hostile,
    categories: s.categories,
    matches: s.matches,
    targeted: s.targeted,
    version: s.version,
  };
}

export function preparePost(input: RawPost, scorer: Scorer, pii?: PiiGuard): PostToStore {
  // The one form of the text that is scored, hashed, stored and exported (text/well-formed.ts).
  const raw = wellFormedDeep(input);
  return { ...raw, rawSha256: fingerprint(raw.raw), score: scorePost(raw.text, raw.lang, scorer, pii) };
}

/**
 * Polls one source to the end and stores what it finds, page by page. Upstream failures are
 * recorded on the source's health row and returned, never thrown: one dead source must not stop
 * the others.
 */
export async function pollSource(
  deps: PollSourceDeps,
  sourceId: number,
  options: { signal?: AbortSignal } = {},
): Promise<PollOutcome> {
  const now = deps.now ?? Date.now;
  const source = await deps.sources.get(sourceId);
  if (!source) throw new Error(`source ${sourceId} does not exist`);
  const outcome: PollOutcome = {
    sourceId,
    watchId: source.watchId,
    kind: source.kind,
    target: source.target,
    ok: false,
    pages: 0,
    fetched: 0,
    stored: 0,
    hostile: 0,
    warnings: [],
  };
  const log = deps.log.child({ watch: source.watchId, source: sourceId, kind: source.kind });
  const watch = await deps.watches.get(source.watchId);
  const adapter = deps.adapters.get(source.kind);
  if (!watch || watch.removedAt !== null || !source.enabled) {
    outcome.error = 'source or watch is no longer active';
    return outcome;
  }
  if (!adapter) {
    outcome.error = `no adapter for source kind "${source.kind}"`;
    await deps.sources.recordFailure(sourceId, now(), outcome.error);
    return outcome;
  }
  // Taken at the first post, not before the fetch: the first scorer of a process loads the base
  // lexicon (a second of CPU), which a boot poll would otherwise do before the web server has
  // answered anyone; and a poll that finds nothing never needs it.
  let scorer: Scorer | undefined;
  const pii = await deps.pii?.forWatch(watch.definition);
  const signal = options.signal ?? new AbortController().signal;
  await deps.sources.markPolled(sourceId, now());
  try {
    for await (const page of adapter.poll({
      source: {
        id: source.id,
        kind: source.kind,
        target: source.target,
        cursor: source.cursor,
        state: source.state ?? null,
      },
      watch: watch.definition,
      signal,
      log,
    })) {
      outcome.pages++;
      outcome.fetched += page.posts.length;
      if (page.warnings?.length) outcome.warnings.push(...page.warnings);
      const prepared = page.posts.map((p) =>
        preparePost(p, (scorer ??= deps.scorers.forWatch(watch.definition)), pii),
      );
      const stored = await deps.posts.storePage({
        watchId: source.watchId,
        sourceId,
        seenAt: now(),
        posts: prepared,
        cursor: page.final ? { value: page.cursor, state: page.state } : undefined,
      });
      outcome.stored += stored.length;
      outcome.hostile += stored.filter((s) => s.hostile).length;
      if (stored.length > 0 && deps.afterStore) await deps.afterStore(source.watchId, stored);
      if (page.final) {
        outcome.ok = true;
        break;
      }
    }
    if (!outcome.ok) throw new SourceError('the source ended its answer before the last page', true);
    await deps.sources.recordSuccess(sourceId, now(), outcome.warnings);
    log.info(
      { pages: outcome.pages, fetched: outcome.fetched, stored: outcome.stored, hostile: outcome.hostile },
      'poll done',
    );
  } catch (err) {
    outcome.ok = false;
    outcome.error = err instanceof Error ? err.message : String(err);
    if (err instanceof RateLimitError) outcome.retryAt = err.retryAt;
    outcome.retryable = err instanceof SourceError ? err.retryable : !signal.aborted;
    await deps.sources.recordFailure(sourceId, now(), outcome.error);
    log.warn({ err: outcome.error, pages: outcome.pages, stored: outcome.stored }, 'poll failed');
  }
  return outcome;
}
