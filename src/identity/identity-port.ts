// The identity module's entry point: keeps each watch's private information encrypted in the
// store, hands the ingest a doxxing guard per watch, checks the authors of new posts and the
// accounts found by name search for look-alikes, and records reviewers' decisions.
import type { Config, WatchConfig } from '../config/schema.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { StoredPostRef } from '../db/repositories/posts-repo.ts';
import type { Logger } from '../logger.ts';
import type { AccountSearcher } from '../sources/source.ts';
import { windowJobId, type JobQueue } from '../jobs/types.ts';
import type { EventType, Ledger } from '../db/ledger/ledger.ts';
import type { SecretBox } from './crypto.ts';
import { compilePiiGuard, hasPrivateInfo, type PiiGuard, type PrivateInfo } from './pii.ts';
import { compareAccount, compileTargets, LIKELY_SIMILARITY, type CompiledTargets } from './lookalike.ts';
import type { IdentityRepo, AuthorSeen, LookalikeRow } from './identity-repo.ts';

export interface IdentityDeps {
  repo: IdentityRepo;
  /** Seals and opens private information; absent when no encryption key is configured. */
  box: SecretBox | undefined;
  ledger: Ledger;
  config: Readonly<Config>;
  watches: WatchesRepo;
  queue: JobQueue;
  log: Logger;
  searchers?: readonly AccountSearcher[];
  now?: () => number;
}

/** Candidates below this similarity are not worth a reviewer's time. */
export const MIN_SIMILARITY = 0.75;
/** Account searches cost API calls: at most this often per watch and platform. */
export const ACCOUNT_SEARCH_INTERVAL_MS = 6 * 3600_000;

/** The watch as stored: without its private information. */
export function withoutPrivate(watch: WatchConfig): WatchConfig {
  const { private: _hidden, ...rest } = watch;
  return rest as WatchConfig;
}

export function createIdentity(deps: IdentityDeps) {
  const repo = deps.repo;
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ module: 'identity' });
  const box = deps.box;
  const guards = new Map<string, { stamp: string; guard: PiiGuard }>();
  const targets = new Map<string, { stamp: string; compiled: CompiledTargets }>();
  let warnedNoKey = false;

  function targetsFor(watch: WatchConfig): CompiledTargets {
    const stamp = JSON.stringify([watch.names, watch.ownAccounts, watch.x?.handle, watch.bluesky?.handle]);
    const hit = targets.get(watch.id);
    if (hit && hit.stamp === stamp) return hit.compiled;
    const compiled = compileTargets(watch);
    targets.set(watch.id, { stamp, compiled });
    return compiled;
  }

  function privateInfo(
    watchId: string,
    stored: { blob: string; keyId: string } | undefined,
  ): PrivateInfo | null {
    if (!stored) return null;
    if (!box) {
      if (!warnedNoKey)
        log.error(
          { watch: watchId },
          'private information is stored but no encryption key is configured: only generic doxxing detection runs',
        );
      warnedNoKey = true;
      return null;
    }
    try {
      return JSON.parse(box.open(stored.blob, watchId)) as PrivateInfo;
    } catch (err) {
      log.error(
        { watch: watchId, err: (err as Error).message, keyMatches: stored.keyId === box.keyId },
        'private information could not be decrypted',
      );
      return null;
    }
  }

  /** Enqueues the watch's alert job: its handler reads unnotified candidates from the store. */
  async function alert(watchId: string): Promise<void> {
    await deps.queue.enqueue('alert', { watchId }, { jobId: windowJobId(`alert:${watchId}`, now()) });
  }

  /** Compares accounts with the watch; stores candidates; true when one calls for an alert. */
  async function recordAccounts(
    watch: WatchConfig,
    accounts: readonly AuthorSeen[],
    foundBy: 'author' | 'search',
  ): Promise<{ candidates: number; alert: boolean }> {
    const compiled = targetsFor(watch);
    let candidates = 0;
    let needAlert = false;
    for (const a of accounts) {
      const verdict = compareAccount(compiled, { id: a.accountId, handle: a.handle, name: a.name });
      if (!verdict || verdict.similarity < MIN_SIMILARITY) continue;
      const { row, created } = await repo.upsertCandidate({
        watchId: watch.id,
        platform: a.platform,
        accountId: a.accountId,
        handle: a.handle,
        name: a.name,
        reason: verdict.reason,
        similarity: verdict.similarity,
        foundBy,
        at: now(),
      });
      if (row.status === 'dismissed') continue;
      candidates++;
      if (created && row.similarity >= LIKELY_SIMILARITY) needAlert = true;
    }
    return { candidates, alert: needAlert };
  }

  const identity = {
    /** Encrypts each watch's private information into the store (and removes what is no longer configured). */
    async syncPrivate(configured: readonly WatchConfig[]): Promise<void> {
      // A watch that left the configuration keeps its posts, not the secrets it guarded.
      await repo.deletePrivateExcept(configured.map((w) => w.id));
      for (const w of configured) {
        if (!hasPrivateInfo(w.private)) {
          await repo.deletePrivate(w.id);
          continue;
        }
        // The schema refuses private information without a key; this is the last line of defence.
        if (!box)
          throw new Error(`watch "${w.id}" holds private information but security.encryptionKey is not set`);
        await repo.putPrivate(w.id, box.seal(JSON.stringify(w.private), w.id), box.keyId, now());
      }
      guards.clear();
    },

    /**
     * The doxxing guard of a watch (private information decrypted once, then cached). Asked once
     * per poll: the stored blob is read each time, so a change made by another process is seen.
     */
    pii: {
      async forWatch(watch: WatchConfig): Promise<PiiGuard> {
        const stored = await repo.getPrivate(watch.id);
        const stamp = `${stored?.blob ?? ''}\u0000${JSON.stringify(watch.names)}\u0000${watch.x?.handle ?? ''}`;
        const hit = guards.get(watch.id);
        if (hit && hit.stamp === stamp) return hit.guard;
        const names = [
          ...watch.names,
          ...(watch.x?.handle ? [watch.x.handle] : []),
          ...(watch.bluesky?.handle ? [watch.bluesky.handle] : []),
        ];
        const guard = compilePiiGuard(privateInfo(watch.id, stored), { names });
        guards.set(watch.id, { stamp, guard });
        return guard;
      },
    },

    /** After a page is stored: the authors of the new posts are checked for look-alikes. */
    async afterStore(watchId: string, stored: readonly StoredPostRef[]): Promise<void> {
      const watch = await deps.watches.get(watchId);
      if (!watch || stored.length === 0) return;
      const result = await recordAccounts(
        watch.definition,
        await repo.authorsOfPosts(stored.map((p) => p.id)),
        'author',
      );
      if (result.alert) await alert(watchId);
      if (deps.searchers?.length) await identity.searchAccountsIfDue(watchId);
    },

    /** Checks every author who ever posted about the watch (after a change of names, or on demand). */
    async scanAuthors(watchId: string): Promise<{ checked: number; candidates: number }> {
      const watch = await deps.watches.get(watchId);
      if (!watch) throw new Error(`unknown watch "${watchId}"`);
      let after = 0;
      let checked = 0;
      let candidates = 0;
      let needAlert = false;
      for (;;) {
        const page = await repo.authorsOfWatch(watchId, after, 1000);
        if (page.length === 0) break;
        const r = await recordAccounts(watch.definition, page, 'author');
        checked += page.length;
        candidates += r.candidates;
        needAlert ||= r.alert;
        after = page[page.length - 1]!.authorId;
      }
      if (needAlert) await alert(watchId);
      return { checked, candidates };
    },

    /** Searches accounts by the person's names on every searchable platform, at most every 6 h. */
    async searchAccountsIfDue(watchId: string, signal?: AbortSignal): Promise<number> {
      let found = 0;
      for (const s of deps.searchers ?? []) {
        const last = await repo.lastScan(watchId, `accounts:${s.platform}`);
        if (last !== undefined && now() - last < ACCOUNT_SEARCH_INTERVAL_MS) continue;
        found += await identity.searchAccounts(watchId, signal, [s]);
      }
      return found;
    },

    /** Searches now; failures are recorded, not thrown (a dead source must not stop the others). */
    async searchAccounts(
      watchId: string,
      signal?: AbortSignal,
      searchers = deps.searchers ?? [],
    ): Promise<number> {
      const watch = await deps.watches.get(watchId);
      if (!watch) throw new Error(`unknown watch "${watchId}"`);
      const queries = [
        ...new Set([
          ...watch.definition.names,
          ...(watch.definition.x?.handle ? [watch.definition.x.handle] : []),
        ]),
      ];
      let candidates = 0;
      let needAlert = false;
      for (const s of searchers) {
        const kind = `accounts:${s.platform}`;
        try {
          const accounts: AuthorSeen[] = [];
          for (const q of queries) {
            const limit = AbortSignal.timeout(60_000);
            for (const a of await s.searchAccounts(q, signal ? AbortSignal.any([signal, limit]) : limit)) {
              accounts.push({
                authorId: null,
                platform: s.platform,
                accountId: a.id,
                handle: a.handle,
                name: a.name,
              });
            }
          }
          const r = await recordAccounts(watch.definition, accounts, 'search');
          candidates += r.candidates;
          needAlert ||= r.alert;
          await repo.recordScan(watchId, kind, now(), null);
        } catch (err) {
          await repo.recordScan(watchId, kind, now(), (err as Error).message);
          log.warn(
            { watch: watchId, platform: s.platform, err: (err as Error).message },
            'account search failed',
          );
        }
      }
      if (needAlert) await alert(watchId);
      return candidates;
    },

    list(watchId: string, options: { includeDismissed?: boolean } = {}): Promise<LookalikeRow[]> {
      return repo.listCandidates(watchId, options);
    },

    get(id: number): Promise<LookalikeRow | undefined> {
      return repo.getCandidate(id);
    },

    /** A reviewer says it is an impersonation: custody-log evidence, and the proxies are told. */
    async confirm(id: number, actor = 'cli'): Promise<LookalikeRow> {
      const row = await repo.getCandidate(id);
      if (!row) throw new Error(`no look-alike candidate ${id}`);
      const at = now();
      await repo.setStatus(id, 'confirmed', at);
      // The ledger's EVENT_TYPES does not list `impersonation` yet; the row is valid all the same.
      await deps.ledger.append({
        type: 'impersonation' as EventType,
        watchId: row.watchId,
        actor,
        at,
        data: {
          lookalikeId: row.id,
          platform: row.platform,
          accountId: row.accountId,
          handle: row.handle,
          name: row.name,
          reason: row.reason,
          similarity: row.similarity,
        },
      });
      await alert(row.watchId);
      return (await repo.getCandidate(id))!;
    },

    /** Not an impersonation: never shown or raised again. */
    async dismiss(id: number): Promise<LookalikeRow> {
      const row = await repo.getCandidate(id);
      if (!row) throw new Error(`no look-alike candidate ${id}`);
      await repo.setStatus(id, 'dismissed', now());
      return (await repo.getCandidate(id))!;
    },

    /** For the alert handler: candidates to tell the proxies about, then mark them told. */
    unnotified(watchId: string): Promise<LookalikeRow[]> {
      return repo.unnotified(watchId, LIKELY_SIMILARITY);
    },
    markNotified(ids: readonly number[]): Promise<void> {
      return repo.markNotified(ids, now());
    },
  };
  return identity;
}

export type Identity = ReturnType<typeof createIdentity>;
