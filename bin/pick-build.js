// Which tree `bin/vigie.js` runs: the compiled one (dist/, built by `npm run build`, which
// `npm ci` runs through `prepare`) when it is current, the TypeScript sources through tsx
// otherwise, so that someone editing src/ never runs stale code.
//
// The rule: dist/.build-stamp.json records the newest modification time found under src/ when
// the build started (files and directories: a deleted or added file changes its directory's
// time). dist/ is current when nothing under src/ is newer than that. Checking it is one stat per
// entry of src/ (a few milliseconds), no hashing. VIGIE_FROM_SOURCES=1 forces the sources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const STAMP_FILE = '.build-stamp.json';

/**
 * Newest modification time (ms) of `dir` and everything under it, dot-entries excepted (the
 * generated src/scoring/.prebuilt/ is not a source).
 */
export function newestMtimeMs(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtimeMs(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/**
 * @param {string} [root] the project folder
 * @returns {{ tree: 'dist', entry: string } | { tree: 'src', entry: string, reason: string }}
 */
export function pickBuild(root = ROOT, env = process.env) {
  const sources = { tree: 'src', entry: path.join(root, 'src/cli.ts') };
  if (env.VIGIE_FROM_SOURCES === '1') return { ...sources, reason: 'VIGIE_FROM_SOURCES=1' };
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, 'dist', STAMP_FILE), 'utf8'));
  } catch {
    return { ...sources, reason: 'no compiled build (npm run build)' };
  }
  let newest;
  try {
    newest = newestMtimeMs(path.join(root, 'src'));
  } catch {
    // No sources next to dist/ (a pruned install): the compiled tree is all there is.
    return { tree: 'dist', entry: path.join(root, 'dist/cli.js') };
  }
  if (typeof stamp.sourcesMtimeMs !== 'number' || newest > stamp.sourcesMtimeMs)
    return { ...sources, reason: 'src/ changed since the last build (npm run build)' };
  return { tree: 'dist', entry: path.join(root, 'dist/cli.js') };
}
