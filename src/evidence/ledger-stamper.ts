import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Ledger } from '../db/ledger/ledger.ts';
import type { LedgerTimestampsRepo } from './ledger-timestamps-repo.ts';
import { stampWithEvery, timestampAuthorities, trustedTimestampRoots } from './timestamp-authorities.ts';

// Time-stamps the custody ledger's head: each row's hash covers the previous row's hash, so one
// token on the head proves that every row before it (captured posts and their payload hashes,
// archives, reviews, reports filed, browser captures and the SHA-256 of each capture file)
// existed at the authority's time, and no later change to any of them can go unseen. One request
// per authority per head, however many rows were added since the last one.

export interface LedgerStampSummary {
  ledgerId?: number;
  stamped: string[];
  failed: { authority: string; error: string }[];
  /** Why nothing was asked: no authority configured, an empty ledger, or this head already stamped. */
  skipped?: 'no-authority' | 'empty-ledger' | 'already-stamped';
}

export interface LedgerStamperDeps {
  config: Readonly<Config>;
  ledger: Pick<Ledger, 'head'>;
  stamps: LedgerTimestampsRepo;
  log?: Logger;
  now?: () => number;
}

export function createLedgerStamper(deps: LedgerStamperDeps) {
  const now = deps.now ?? Date.now;
  return {
    /** Asks each authority that has not yet stamped the current head. Throws only when every one failed. */
    async run(o: { timeoutMs?: number } = {}): Promise<LedgerStampSummary> {
      const authorities = timestampAuthorities(deps.config.archive);
      if (authorities.length === 0) return { stamped: [], failed: [], skipped: 'no-authority' };
      const head = await deps.ledger.head();
      if (!head) return { stamped: [], failed: [], skipped: 'empty-ledger' };
      const done = await deps.stamps.authoritiesFor(head.id);
      const todo = authorities.filter((a) => !done.has(a));
      if (todo.length === 0)
        return { ledgerId: head.id, stamped: [], failed: [], skipped: 'already-stamped' };
      const outcome = await stampWithEvery(todo, Buffer.from(head.hash, 'hex'), {
        trusted: trustedTimestampRoots(deps.config.archive),
        log: deps.log,
        timeoutMs: o.timeoutMs,
      });
      for (const t of outcome.tokens)
        await deps.stamps.add({
          ledgerId: head.id,
          ledgerHash: head.hash,
          authority: t.authority,
          token: Buffer.from(t.token),
          genTime: t.genTimeMs,
          createdAt: now(),
        });
      const summary = {
        ledgerId: head.id,
        stamped: outcome.tokens.map((t) => t.authority),
        failed: outcome.failures,
      };
      if (outcome.tokens.length === 0)
        throw new Error(
          `no timestamp authority answered for ledger row ${head.id}: ${outcome.failures.map((f) => `${f.authority}: ${f.error}`).join('; ')}`,
        );
      return summary;
    },
  };
}

export type LedgerStamper = ReturnType<typeof createLedgerStamper>;
