// Builds the prebuilt automaton (src/scoring/prebuilt.ts) from the shipped lexicons, so that a
// process loads the expanded variants and the automaton's tables instead of rebuilding them.
// Run by `npm run build:automaton`, itself run by `npm run build` and `prepare` (npm ci / install).
//   node bin/run-ts.js tools/build-automaton.ts [--dist [DIR]] [--out FILE] [--soft]
// --dist: for the compiled tree (DIR/scoring/.prebuilt/, DIR defaulting to dist), built by that
//   tree's own code, since the file's key covers the code that makes it (engineHash() in
//   src/scoring/prebuilt.ts).
// --soft: on failure, warn and exit 0 (scoring then builds the automaton in process, as before).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type LexiconModule = typeof import('../src/scoring/lexicon.ts');
type PrebuiltModule = typeof import('../src/scoring/prebuilt.ts');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const distAt = args.indexOf('--dist');
  const distDir =
    distAt < 0 ? undefined : (args[distAt + 1]?.startsWith('--') ?? true) ? 'dist' : args[distAt + 1];
  const tree =
    distDir === undefined
      ? '../src/scoring'
      : pathToFileURL(path.resolve(fileURLToPath(new URL('..', import.meta.url)), distDir, 'scoring')).href;
  const ext = distDir === undefined ? 'ts' : 'js';
  const { basePrebuiltKey, buildBaseLexicon } = (await import(`${tree}/lexicon.${ext}`)) as LexiconModule;
  const { encodeLexicon, PREBUILT_FILE, readPrebuilt } = (await import(
    `${tree}/prebuilt.${ext}`
  )) as PrebuiltModule;
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const file = out !== undefined ? path.resolve(out) : PREBUILT_FILE;
  const t0 = performance.now();
  const lexicon = buildBaseLexicon(false);
  const bytes = encodeLexicon(lexicon, basePrebuiltKey());
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  const ms = performance.now() - t0;
  const p = readPrebuilt(bytes);
  console.log(
    `prebuilt automaton: ${p.variantEntry.length} variants, ${p.keyStart.length - 1} keys, ${p.tables.fail.length} states, ` +
      `${(bytes.length / 2 ** 20).toFixed(1)} MB → ${path.relative(process.cwd(), file)} (${ms.toFixed(0)} ms)`,
  );
}

try {
  await main();
} catch (e) {
  if (!process.argv.includes('--soft')) throw e;
  console.warn(`warning: no prebuilt automaton (${(e as Error).message}); scoring will build it at start-up`);
}
