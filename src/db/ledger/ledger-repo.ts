import type { Statement } from 'better-sqlite3';
import type { Db } from '../client.ts';

// SQL of the custody ledger. Prepared once per connection: ingest appends two rows per new post
// and must stay fast.

export interface LedgerRow {
  id: number;
  at: number;
  type: string;
  watchId: string;
  postId: number | null;
  actor: string;
  data: string;
  prevHash: string;
  hash: string;
}

const COLUMNS =
  'id, at, type, watch_id as watchId, post_id as postId, actor, data, prev_hash as prevHash, hash';

export function createLedgerRepo(db: Db) {
  const client = db.$client;
  const head: Statement<[], { id: number; hash: string }> = client.prepare(
    'select id, hash from evidence_events order by id desc limit 1',
  );
  const insert = client.prepare(
    'insert into evidence_events (id, at, type, watch_id, post_id, actor, data, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const forPost: Statement<[number], LedgerRow> = client.prepare(
    `select ${COLUMNS} from evidence_events where post_id = ? order by id`,
  );
  const all: Statement<[number], LedgerRow> = client.prepare(
    `select ${COLUMNS} from evidence_events where id >= ? order by id`,
  );
  const firstOfWatch: Statement<[string], { id: number }> = client.prepare(
    'select min(id) as id from evidence_events where watch_id = ?',
  );
  const ofWatchType: Statement<[string, string], LedgerRow> = client.prepare(
    `select ${COLUMNS} from evidence_events where watch_id = ? and type = ? order by id`,
  );

  return {
    client,
    head: (): { id: number; hash: string } | undefined => head.get(),
    insert(row: LedgerRow): void {
      insert.run(
        row.id,
        row.at,
        row.type,
        row.watchId,
        row.postId,
        row.actor,
        row.data,
        row.prevHash,
        row.hash,
      );
    },
    forPost: (postId: number): LedgerRow[] => forPost.all(postId),
    /** Every row from `fromId` on, in order, in constant memory. */
    iterateFrom: (fromId: number): IterableIterator<LedgerRow> => all.iterate(fromId),
    firstIdOfWatch: (watchId: string): number | undefined => firstOfWatch.get(watchId)?.id ?? undefined,
    ofWatchAndType: (watchId: string, type: string): LedgerRow[] => ofWatchType.all(watchId, type),
  };
}

export type LedgerRepo = ReturnType<typeof createLedgerRepo>;
