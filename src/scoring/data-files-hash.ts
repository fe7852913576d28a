import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every data file beside the lexicons (word lists, frames, spelling lists, learned weights) is
 * part of the version: editing any of them changes verdicts, and `vigie rescore` must see it.
 */
export function dataFilesHash(): string {
  const dir = fileURLToPath(new URL('./lexicons/', import.meta.url));
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    if (name === 'fr.tsv' || name === 'en.tsv' || name.endsWith('.md')) continue;
    hash
      .update(name)
      .update('\u0000')
      .update(readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex');
}
