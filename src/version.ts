import { readFileSync } from 'node:fs';

/** Vigie's version, from package.json (recorded in dossiers and scorer versions). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
