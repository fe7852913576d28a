// Run by pg-migrations.test.ts in its own process: migrates the database at argv[2], then uses it.
import { sql } from 'drizzle-orm';
import { migratePg, openPgStore } from '../../src/db/pg-store.ts';

const url = process.argv[2]!;
const { applied } = await migratePg(url);
const store = await openPgStore(url, { migrate: false });
const row = await store.get<{ n: number }>(sql`select count(*) as n from posts`);
await store.close();
process.stdout.write(JSON.stringify({ applied, posts: row?.n }));
