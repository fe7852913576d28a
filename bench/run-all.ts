// Runs every benchmark in turn and prints their figures: `npm run bench`.
// One benchmark: `node bin/run-ts.js bench/<name>.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ROOT } from './lib.ts';

const BENCHES = ['ingest', 'score', 'identity', 'dashboard', 'queue'];
let failed = 0;
for (const name of BENCHES) {
  const file = `${ROOT}bench/${name}.ts`;
  if (!existsSync(file)) continue;
  console.log(`\n=== bench/${name}.ts ===`);
  const r = spawnSync(process.execPath, [`${ROOT}bin/run-ts.js`, file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
