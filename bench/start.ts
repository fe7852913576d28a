// Benchmark: start-up of the scoring module in fresh processes. Each run spawns `node` and times
// importing src/scoring/index.ts, createScorer(), and the first score, then reads the resident
// memory; medians over N runs, with the prebuilt automaton (src/scoring/.prebuilt/, made by
// `npm run build:automaton`) and without it (VIGIE_PREBUILT=0 forces the in-process build).
// Run: node bin/run-ts.js bench/start.ts [runs]
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, median, ROOT } from './lib.ts';

interface Sample {
  importMs: number;
  createMs: number;
  firstScoreMs: number;
  totalMs: number;
  rssMb: number;
  heapMb: number;
  /** Where the lexicon came from: 'prebuilt', or why not ('disabled', 'stale', 'missing', 'refused: …'). */
  source: string;
}

const POST = "t'es vraiment qu'une grosse connasse, je vais te retrouver @marie_d";

async function child(): Promise<void> {
  const t0 = performance.now();
  const scoring = await import('../src/scoring/index.ts');
  const t1 = performance.now();
  const scorer = scoring.createScorer();
  const t2 = performance.now();
  const result = scorer.score(POST);
  const t3 = performance.now();
  if (result.matches.length === 0) throw new Error('the sample post found nothing');
  const mem = process.memoryUsage();
  const { loadBaseLexicon } = await import('../src/scoring/lexicon.ts');
  const sample: Sample = {
    importMs: t1 - t0,
    createMs: t2 - t1,
    firstScoreMs: t3 - t2,
    totalMs: t3 - t0,
    rssMb: mem.rss / 2 ** 20,
    heapMb: mem.heapUsed / 2 ** 20,
    source: loadBaseLexicon().source,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

function run(prebuilt: boolean): Sample {
  const out = spawnSync(
    process.execPath,
    [`${ROOT}bin/run-ts.js`, fileURLToPath(import.meta.url), '--child'],
    {
      env: { ...process.env, VIGIE_PREBUILT: prebuilt ? '1' : '0' },
      encoding: 'utf8',
    },
  );
  if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() as string) as Sample;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const file = fileURLToPath(new URL('../src/scoring/.prebuilt/automaton.bin', import.meta.url));
  const modes: [string, boolean][] = [['in-process build', false]];
  if (existsSync(file)) {
    modes.unshift(['prebuilt file', true]);
    console.log(`prebuilt file: ${(statSync(file).size / 2 ** 20).toFixed(1)} MB`);
  } else console.log('(no prebuilt file: run `npm run build:automaton` to compare)');
  console.log(`Scoring module start-up, medians of ${runs} fresh processes (ms, MB)\n`);
  console.log('| mode | import | createScorer() | first score | total | RSS | heap used |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, prebuilt] of modes) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(run(prebuilt));
    const m = (k: Exclude<keyof Sample, 'source'>): string => fmt(median(samples.map((s) => s[k])), 0);
    const sources = [...new Set(samples.map((s) => s.source))].join(', ');
    console.log(
      `| ${name} (${sources}) | ${m('importMs')} | ${m('createMs')} | ${m('firstScoreMs')} | ${m('totalMs')} | ${m('rssMb')} | ${m('heapMb')} |`,
    );
  }
}

if (process.argv.includes('--child')) await child();
else await main();
