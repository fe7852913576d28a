// Every table of the PostgreSQL store, under the same export names, column keys and SQL names as
// schema/ (test/db/schema-parity.test.ts holds them together). Each aggregate keeps its own file.
export * from './core.ts';
export * from './evidence.ts';
export * from './web.ts';
export * from './identity.ts';
export * from './alerts.ts';
export * from './settings.ts';
export * from './captures.ts';
export * from './ledger-timestamps.ts';
