import type { Store } from '../store.ts';
import { chainHash, contentHash, GENESIS_HASH, sha256Hex } from './ledger-hash.ts';
import { createLedgerRepo, type LedgerRow } from './ledger-repo.ts';

export type { LedgerRow } from './ledger-repo.ts';

export const EVENT_TYPES = [
  'captured',
  'scored',
  'archived',
  'archive_failed',
  'viewed',
  'exported',
  'deleted_upstream',
  'impersonation',
  // A local capture of the post's page (PNG, PDF, WARC) and its collection log; a capture given up.
  'page_captured',
  'capture_failed',
  'reviewed',
  'reported',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface LedgerEvent {
  type: EventType;
  watchId: string;
  postId?: number | null;
  /** `system` when omitted. */
  actor?: string;
  data?: Record<string, unknown>;
  /** Epoch ms; now when omitted. */
  at?: number;
}

export type LedgerVerification =
  | { ok: true; rows: number; head: string }
  | {
      ok: false;
      rows: number;
      firstBrokenId: number;
      reason: string;
      /** Every broken row, in order (the first is firstBrokenId): one tampering hides no other. */
      broken: { id: number; reason: string }[];
    };

/** A row just stored by `storePage`, as the ledger needs it. */
export interface StoredPostFacts {
  id: number;
  platform: string;
  externalId: string;
  url: string | null;
  rawSha256: string;
  text: string;
  score: number | null;
  level: string | null;
  categories: string[] | null;
  targeted: boolean | null;
  scorerVersion: string | null;
}

/**
 * The custody log: append-only (triggers refuse UPDATE and DELETE), each row chained to the
 * previous one by its hash. Appends read the head and write inside one transaction that holds the
 * append lock (ledger-repo.ts), so several processes appending never fork the chain.
 */
export function createLedger(store: Store) {
  const repo = createLedgerRepo();

  /** Appends inside the caller's transaction (`tx`), so the events land with what they record. */
  async function appendInTx(tx: Store, events: readonly LedgerEvent[]): Promise<LedgerRow[]> {
    if (events.length === 0) return [];
    // The head must be read under the append lock: only inside the transaction that appends.
    if (!tx.inTransaction) throw new Error('ledger.appendInTx must run inside a write transaction');
    await repo.lockForAppend(tx);
    const head = await repo.head(tx);
    let id = head?.id ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const now = Date.now();
    const rows: LedgerRow[] = [];
    for (const e of events) {
      id++;
      const content = {
        id,
        at: e.at ?? now,
        type: e.type,
        watchId: e.watchId,
        postId: e.postId ?? null,
        actor: e.actor ?? 'system',
        data: JSON.stringify(e.data ?? {}),
      };
      const hash = chainHash(prevHash, contentHash(content));
      rows.push({ ...content, prevHash, hash });
      prevHash = hash;
    }
    await repo.insert(tx, rows);
    return rows;
  }

  return {
    /** Appends events in their own transaction. */
    append(event: LedgerEvent | readonly LedgerEvent[]): Promise<LedgerRow[]> {
      const list = Array.isArray(event) ? (event as readonly LedgerEvent[]) : [event as LedgerEvent];
      return store.transaction((tx) => appendInTx(tx, list));
    },
    appendInTx,

    /**
     * Recomputes the whole chain from the first row and names every broken one. After a broken
     * row the check goes on from that row's stored hash and id, so each tampering is named once.
     */
    async verify(): Promise<LedgerVerification> {
      let rows = 0;
      let expectedId = 1;
      let prevHash = GENESIS_HASH;
      const broken: { id: number; reason: string }[] = [];
      for await (const row of repo.iterateFrom(store, 0)) {
        rows++;
        const problem =
          row.id !== expectedId
            ? `expected row ${expectedId}, found row ${row.id} (a row was removed or inserted)`
            : row.prevHash !== prevHash
              ? "prev_hash differs from the previous row's hash"
              : chainHash(row.prevHash, contentHash(row)) !== row.hash
                ? "the hash does not match the row's content"
                : null;
        if (problem) broken.push({ id: row.id, reason: problem });
        prevHash = row.hash;
        expectedId = row.id + 1;
      }
      if (broken.length === 0) return { ok: true, rows, head: prevHash };
      return { ok: false, rows, firstBrokenId: broken[0]!.id, reason: broken[0]!.reason, broken };
    },

    eventsForPost(postId: number): Promise<LedgerRow[]> {
      return repo.forPost(store, postId);
    },

    head(): Promise<{ id: number; hash: string } | undefined> {
      return repo.head(store);
    },

    /** Rows from the first event of this watch to the head (dossier export). */
    async iterateForExport(
      watchId: string,
    ): Promise<{ firstId: number | undefined; rows: AsyncIterable<LedgerRow> }> {
      const firstId = await repo.firstIdOfWatch(store, watchId);
      return { firstId, rows: repo.iterateFrom(store, firstId ?? Number.MAX_SAFE_INTEGER) };
    },

    ofWatchAndType(watchId: string, type: EventType): Promise<LedgerRow[]> {
      return repo.ofWatchAndType(store, watchId, type);
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;

/** The `captured` and `scored` events of newly stored posts (appended in the storing transaction). */
export function postStoredEvents(
  watchId: string,
  at: number,
  rows: readonly StoredPostFacts[],
): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const r of rows) {
    events.push({
      type: 'captured',
      watchId,
      postId: r.id,
      at,
      // The text as shown (extracted from the payload by the adapter) is bound too.
      data: {
        platform: r.platform,
        externalId: r.externalId,
        url: r.url,
        rawSha256: r.rawSha256,
        textSha256: sha256Hex(r.text),
      },
    });
    events.push({
      type: 'scored',
      watchId,
      postId: r.id,
      at,
      data: {
        score: r.score,
        level: r.level,
        categories: r.categories ?? [],
        targeted: r.targeted,
        scorerVersion: r.scorerVersion,
      },
    });
  }
  return events;
}
