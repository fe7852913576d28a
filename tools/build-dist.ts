// Builds the compiled tree dist/ that `bin/vigie.js` runs (see bin/pick-build.js), so that a
// command starts without compiling TypeScript first. Run by `npm run build`, and by `prepare`
// (`npm ci`, `npm install`) with --soft.
//   node bin/run-ts.js tools/build-dist.ts [--soft]
// Steps: the prebuilt automaton of the sources (src/scoring/.prebuilt/); tsc into a fresh folder;
// the data files the code reads beside itself (every file of src/ that is not TypeScript: the
// scoring lexicons and word lists); the prebuilt automaton of the compiled tree (its key covers the
// code that reads it: the .js files); the build stamp; then the folder replaces dist/ in one
// rename, so a half-built tree is never run. Templates, static files and migrations are read from
// dashboard/, migrations/ and migrations-pg/ at the project's root by both trees (same depth below the root).
// --soft: any failure (no TypeScript installed with `npm ci --omit=dev`, a type error) warns and
// exits 0, leaving no dist/ or the previous one: `vigie` then runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { newestMtimeMs, ROOT, STAMP_FILE } from '../bin/pick-build.js';

const soft = process.argv.includes('--soft');
const DIST = path.join(ROOT, 'dist');
const NEXT = path.join(ROOT, `dist.next-${process.pid}`);
const RUN_TS = path.join(ROOT, 'bin/run-ts.js');

class BuildError extends Error {}

function run(what: string, args: string[]): void {
  const out = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (out.status !== 0) throw new BuildError(`${what} failed (exit ${out.status ?? out.signal})`);
}

/** Every file under src/ that is not TypeScript (nor generated), copied to the same place in `to`. */
function copyDataFiles(from: string, to: string): number {
  let n = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) n += copyDataFiles(src, dst);
    else if (!entry.name.endsWith('.ts')) {
      mkdirSync(to, { recursive: true });
      cpSync(src, dst);
      n++;
    }
  }
  return n;
}

function build(): void {
  const t0 = performance.now();
  // The sources' prebuilt automaton lives in src/scoring/.prebuilt/: creating that folder changes
  // src/scoring's time, so it must exist before the stamp is taken, or the first build of a fresh
  // clone (`npm ci`) would be stale at once.
  mkdirSync(path.join(ROOT, 'src/scoring/.prebuilt'), { recursive: true });
  // Taken before compiling: a source saved during the build makes this build stale at once.
  const sourcesMtimeMs = newestMtimeMs(path.join(ROOT, 'src'));
  let tsc: string;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new BuildError('TypeScript is not installed (an install without dev dependencies?)');
  }
  // The sources' own prebuilt automaton (tests and `npm run dev` run the sources).
  run('the prebuilt automaton of src/', [RUN_TS, 'tools/build-automaton.ts', '--soft']);
  rmSync(NEXT, { recursive: true, force: true });
  run('tsc', [tsc, '-p', 'tsconfig.build.json', '--outDir', NEXT]);
  const copied = copyDataFiles(path.join(ROOT, 'src'), NEXT);
  run('the prebuilt automaton of dist/', [RUN_TS, 'tools/build-automaton.ts', '--dist', NEXT]);
  writeFileSync(
    path.join(NEXT, STAMP_FILE),
    `${JSON.stringify({ sourcesMtimeMs, builtAt: new Date().toISOString(), node: process.version })}\n`,
  );
  rmSync(DIST, { recursive: true, force: true });
  renameSync(NEXT, DIST);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `dist/ built in ${s} s (${copied} data files copied); \`vigie\` runs it while src/ is unchanged`,
  );
}

try {
  build();
} catch (err) {
  rmSync(NEXT, { recursive: true, force: true });
  const message = err instanceof Error ? err.message : String(err);
  if (!soft) {
    console.error(`build: ${message}`);
    process.exit(1);
  }
  console.warn(
    `warning: no compiled build (${message}); \`vigie\` runs the sources through tsx, slower to start`,
  );
}
