import { customType } from 'drizzle-orm/pg-core';

/**
 * A JSON value stored as TEXT, exactly as the SQLite schema's `text({ mode: 'json' })` stores it
 * (`JSON.stringify` of the value): `db copy` moves the text unchanged, and what is hashed or
 * compared as text reads the same in both dialects. Not jsonb, which would reorder keys and
 * rewrite numbers. Query into it with `(col::jsonb)->>'key'`.
 */
export const jsonText = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => JSON.parse(value) as unknown,
});

/** Bytes (SQLite's blob in buffer mode): node-postgres reads and writes bytea as a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});
