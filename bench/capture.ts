// Local captures (PNG, PDF, WARC and a collection-log row each) per minute, at concurrency 1 and
// 2, against local pages; and the memory of the browser (one Chromium reused, a context per
// capture). Floor: 20 captures per minute at concurrency 1.
//   node bin/run-ts.js bench/capture.ts [--posts 15] [--runs 3]
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parseConfig } from '../src/config/load.ts';
import { createDeps } from '../src/app/deps.ts';
import { silentLogger } from '../src/logger.ts';
import { DEFAULT_BROWSER_PATH } from '../src/evidence/capture/browser-host.ts';
import { createCaptureHost } from '../src/evidence/capture/capture-host.ts';
import { createCapturer } from '../src/evidence/capture/capturer.ts';
import type { PostToStore } from '../src/db/repositories/posts-repo.ts';
import { startBenchPages } from './capture-pages.ts';
import { fmt, median } from './lib.ts';

const { values } = parseArgs({
  options: { posts: { type: 'string', default: '15' }, runs: { type: 'string', default: '3' } },
});
const POSTS = Number(values.posts);
const RUNS = Number(values.runs);
const FLOOR = 20;

/** Chromium processes under this one: summed RSS and PSS (shared pages counted once), in MiB. */
function browserMemory(): { processes: number; rssMiB: number; pssMiB: number } {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      name.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const under = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let processes = 0;
  let rss = 0;
  let pss = 0;
  for (const [pid, comm] of name) {
    if (!/chrom/i.test(comm) || !under(pid)) continue;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      processes++;
    } catch {
      // Gone, or not readable.
    }
  }
  return { processes, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}

function post(i: number, base: string): PostToStore {
  const raw = JSON.stringify({ id: `b${i}`, text: `post ${i}` });
  return {
    platform: 'web',
    externalId: `b${i}-${Math.random().toString(36).slice(2)}`,
    url: `${base}/post/${i}`,
    author: { externalId: 'troll1', handle: 'troll1', name: 'Troll' },
    text: `post ${i} about Alice Martin`,
    lang: 'fr',
    createdAt: Date.now(),
    raw,
    rawSha256: createHash('sha256').update(raw).digest('hex'),
    score: {
      score: 60,
      level: 'high',
      hostile: true,
      categories: ['insult'],
      matches: [],
      targeted: true,
      version: 'bench',
    },
  };
}

const pages = await startBenchPages();
const browser = createCaptureHost({ executablePath: DEFAULT_BROWSER_PATH });
const results: {
  concurrency: number;
  perMinute: number[];
  peak: { processes: number; rssMiB: number; pssMiB: number };
}[] = [];
try {
  for (const concurrency of [1, 2]) {
    const perMinute: number[] = [];
    let peak = { processes: 0, rssMiB: 0, pssMiB: 0 };
    for (let run = 0; run <= RUNS; run++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'vigie-bench-capture-'));
      const config = parseConfig({
        dataDir: dir,
        log: { level: 'silent' },
        network: { allowPrivateAddresses: true },
        capture: { enabled: false, concurrency },
        watches: [{ id: 'alice', names: ['Alice Martin'], feeds: [`${pages.url}/feed.xml`] }],
      });
      const deps = await createDeps(config, silentLogger());
      await deps.syncWatches();
      const capturer = createCapturer({
        config: { ...config, capture: { ...config.capture, enabled: true } },
        log: silentLogger(),
        watches: deps.watches,
        captures: deps.captures,
        browser,
      });
      const sourceId = (await deps.sources.listEnabled('alice'))[0]!.id;
      // Run 0 warms up (launches the browser) with a single post and is not counted.
      const n = run === 0 ? 1 : POSTS;
      await deps.posts.storePage({
        watchId: 'alice',
        sourceId,
        seenAt: Date.now(),
        posts: Array.from({ length: n }, (_, i) => post(i, pages.url)),
      });
      const sampler = setInterval(() => {
        const m = browserMemory();
        if (m.pssMiB > peak.pssMiB) peak = m;
      }, 1000);
      const t0 = performance.now();
      const s = await capturer.run({ watchId: 'alice' });
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      if (s.captured !== n)
        throw new Error(`run ${run}: captured ${s.captured} of ${n} (${s.message ?? 'see capture rows'})`);
      if (run > 0) perMinute.push((n / seconds) * 60);
      process.stderr.write(
        `concurrency ${concurrency} run ${run}${run === 0 ? ' (warm-up)' : ''}: ${n} captures in ${fmt(seconds, 1)} s\n`,
      );
      await deps.close();
      rmSync(dir, { recursive: true, force: true });
    }
    results.push({ concurrency, perMinute, peak });
  }
} finally {
  await browser.close();
  await pages.close();
}

console.log(
  // The machine's load says how far the figures are from what the browser does alone.
  `chromium ${DEFAULT_BROWSER_PATH}; ${POSTS} posts per run, ${RUNS} runs per concurrency (after a warm-up); ` +
    `load average at the end ${loadavg()
      .map((l) => fmt(l, 1))
      .join(' ')}`,
);
console.log(
  'concurrency  captures/min (median)  min    max    browser processes  peak PSS MiB  peak RSS MiB (sum)',
);
for (const r of results) {
  console.log(
    `${String(r.concurrency).padEnd(13)}${fmt(median(r.perMinute), 1).padEnd(23)}${fmt(Math.min(...r.perMinute), 1).padEnd(7)}${fmt(Math.max(...r.perMinute), 1).padEnd(7)}${String(r.peak.processes).padEnd(19)}${fmt(r.peak.pssMiB).padEnd(14)}${fmt(r.peak.rssMiB)}`,
  );
}
const one = median(results[0]!.perMinute);
console.log(
  `floor: ${FLOOR} captures/min at concurrency 1: ${one >= FLOOR ? 'met' : 'NOT met'} (${fmt(one, 1)})`,
);
process.exitCode = one >= FLOOR ? 0 : 1;
