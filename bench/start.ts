// Benchmark: how long Vigie takes to answer, in fresh processes, medians over N runs.
//  1. The command line, as a user runs it (`node bin/vigie.js`, which runs the compiled dist/
//     when it is current, tsx otherwise: bin/pick-build.js; the heading says which): `vigie --help`, and `vigie score`
//     of one line on stdin. Wall time, CPU time (user + system) and peak RSS (GNU time).
//  2. The service: `npm start` until `/healthz` answers 200, then the RSS of `vigie start` 4 s
//     later (its boot poll of one feed, served here, has stored and scored a hostile post, and
//     its capture has started) and once idle, 30 s later (V8 trims its heap after some idle
//     seconds; the browser runs in a child process, not counted here).
//  3. The scoring module alone: import, createScorer(), first score, with the prebuilt automaton
//     (src/scoring/.prebuilt/, made by `npm run build:automaton`) and without it
//     (VIGIE_PREBUILT=0 forces the in-process build).
// Targets: `vigie --help` ≤ 0.3 s; `npm start` to a 200 on /healthz ≤ 2 s; idle RSS ≤ 200 MB.
// Run: node bin/run-ts.js bench/start.ts [runs] [--only cli|service|scoring]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, ROOT } from './lib.ts';
import { pickBuild } from '../bin/pick-build.js';

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
const VIGIE = path.join(ROOT, 'bin/vigie.js');
const GNU_TIME = '/usr/bin/time';

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

function runScoring(prebuilt: boolean): Sample {
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

function scoringModule(runs: number): void {
  const file = path.join(ROOT, 'src/scoring/.prebuilt/automaton.bin');
  const modes: [string, boolean][] = [['in-process build', false]];
  if (existsSync(file)) {
    modes.unshift(['prebuilt file', true]);
    console.log(`prebuilt file: ${(statSync(file).size / 2 ** 20).toFixed(1)} MB`);
  } else console.log('(no prebuilt file: run `npm run build:automaton` to compare)');
  console.log(
    `\nScoring module start-up (sources through tsx), medians of ${runs} fresh processes (ms, MB)\n`,
  );
  console.log('| mode | import | createScorer() | first score | total | RSS | heap used |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, prebuilt] of modes) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(runScoring(prebuilt));
    const m = (k: Exclude<keyof Sample, 'source'>): string => fmt(median(samples.map((s) => s[k])), 0);
    const sources = [...new Set(samples.map((s) => s.source))].join(', ');
    console.log(
      `| ${name} (${sources}) | ${m('importMs')} | ${m('createMs')} | ${m('firstScoreMs')} | ${m('totalMs')} | ${m('rssMb')} | ${m('heapMb')} |`,
    );
  }
}

interface CliSample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** One run of `node bin/vigie.js ARGS` under GNU time: wall, CPU and peak RSS. */
function runCli(args: string[], input: string | undefined, env: NodeJS.ProcessEnv): CliSample {
  const report = path.join(os.tmpdir(), `vigie-bench-time-${process.pid}`);
  const t0 = performance.now();
  const out = spawnSync(GNU_TIME, ['-f', '%U %S %M', '-o', report, process.execPath, VIGIE, ...args], {
    input,
    env,
    encoding: 'utf8',
  });
  const wallMs = performance.now() - t0;
  if (out.status !== 0) throw new Error(`vigie ${args.join(' ')} exited ${out.status}: ${out.stderr}`);
  const [user, sys, maxKb] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(report, { force: true });
  return { wallMs, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, rssMb: (maxKb ?? 0) / 1024 };
}

/** What bin/vigie.js will run: the compiled tree when it is current, the sources through tsx otherwise. */
function cliMode(): string {
  const build = pickBuild(ROOT);
  return build.tree === 'dist' ? 'compiled dist/' : `sources through tsx: ${build.reason}`;
}

function commandLine(runs: number, env: NodeJS.ProcessEnv): void {
  if (!existsSync(GNU_TIME)) {
    console.log(`(no ${GNU_TIME}: apt-get install time, to measure the command line)`);
    return;
  }
  console.log(`\nCommand line (${cliMode()}), medians of ${runs} fresh processes\n`);
  console.log('| command | wall (s) | CPU (s) | peak RSS (MB) |');
  console.log('|---|---:|---:|---:|');
  const line = `${JSON.stringify({ id: '1', text: POST })}\n`;
  const cases: [string, string[], string | undefined][] = [
    ['vigie --help', ['--help'], undefined],
    ['vigie score (one line)', ['score'], line],
  ];
  for (const [name, args, input] of cases) {
    const samples: CliSample[] = [];
    for (let i = 0; i < runs; i++) samples.push(runCli(args, input, env));
    const m = (k: keyof CliSample, digits: number, scale = 1): string =>
      fmt(median(samples.map((s) => s[k])) / scale, digits);
    console.log(`| ${name} | ${m('wallMs', 2, 1000)} | ${m('cpuMs', 2, 1000)} | ${m('rssMb', 0)} |`);
  }
}

/** A feed with one hostile item, so the service's boot poll stores and scores a post. */
async function feedServer(): Promise<{ server: Server; url: string }> {
  const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://example.org/</link>
<description>d</description><item><title>post</title><link>http://example.org/p/1</link><guid>p1</guid>
<description>${POST} Alice Martin</description><pubDate>${new Date().toUTCString()}</pubDate></item></channel></rss>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml` };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** The `vigie start` process under npm (npm → sh → node bin/vigie.js start). */
function servicePid(rootPid: number): number | undefined {
  const children = new Map<number, number[]>();
  for (const entry of readdirProc()) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), entry]);
    } catch {
      // gone meanwhile
    }
  }
  let found: number | undefined;
  const walk = (pid: number): void => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('bin/vigie.js') && cmd.includes('start') && !cmd.includes('npm')) found = pid;
    } catch {
      // gone meanwhile
    }
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(rootPid);
  return found;
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system, ms) a process has used: on a busy machine, the figure wall time hides. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function readdirProc(): number[] {
  return spawnSync('ls', ['/proc'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

interface ServiceSample {
  healthzMs: number;
  /** CPU used by `vigie start` until the first 200. */
  healthzCpuMs: number;
  /** RSS 4 s after the first answer: the boot poll done, the heap not yet trimmed. */
  settlingRssMb: number;
  /** RSS 30 s after the first answer: idle, once V8 has given back what the start-up used. */
  idleRssMb: number;
}

async function runService(feedUrl: string, env: NodeJS.ProcessEnv): Promise<ServiceSample> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-start-'));
  const port = await freePort();
  const config = path.join(dir, 'vigie.yaml');
  writeFileSync(
    config,
    [
      `dataDir: ${JSON.stringify(path.join(dir, 'data'))}`,
      `server: { host: 127.0.0.1, port: ${port} }`,
      'network: { allowPrivateAddresses: true }',
      'watches:',
      '  - id: alice',
      "    names: ['Alice Martin']",
      `    feeds: [${JSON.stringify(feedUrl)}]`,
      '',
    ].join('\n'),
  );
  const t0 = performance.now();
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...env, VIGIE_CONFIG: config },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  npm.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    let healthzMs: number;
    let healthzCpuMs: number;
    for (;;) {
      if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}: ${stderr}`);
      if (performance.now() - t0 > 60_000) throw new Error('no answer from /healthz within 60 s');
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        healthzMs = performance.now() - t0;
        healthzCpuMs = cpuMs(servicePid(npm.pid!));
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    // Idle: the boot poll has run (the feed's post stored and scored), nothing else to do.
    await new Promise((r) => setTimeout(r, 4000));
    const settlingRssMb = rssMb(servicePid(npm.pid!));
    await new Promise((r) => setTimeout(r, 26_000));
    return { healthzMs, healthzCpuMs, settlingRssMb, idleRssMb: rssMb(servicePid(npm.pid!)) };
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => (npm.exitCode !== null ? r(null) : npm.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function service(runs: number, env: NodeJS.ProcessEnv): Promise<void> {
  const feed = await feedServer();
  try {
    console.log(`\nService (${cliMode()}), medians of ${runs} starts\n`);
    const samples: ServiceSample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await runService(feed.url, env));
    console.log('| measure | median | target |');
    console.log('|---|---:|---:|');
    console.log(
      `| \`npm start\` to a 200 on /healthz (s) | ${fmt(median(samples.map((s) => s.healthzMs)) / 1000, 2)} | ≤ 2 |`,
    );
    console.log(
      `| CPU used by \`vigie start\` until then (s) | ${fmt(median(samples.map((s) => s.healthzCpuMs)) / 1000, 2)} | |`,
    );
    console.log(
      `| \`vigie start\` RSS 4 s after the first answer (MB) | ${fmt(median(samples.map((s) => s.settlingRssMb)), 0)} | |`,
    );
    console.log(
      `| idle \`vigie start\` RSS, 30 s after (MB) | ${fmt(median(samples.map((s) => s.idleRssMb)), 0)} | ≤ 200 |`,
    );
  } finally {
    feed.server.close();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  // No configuration file of the developer's, no terminal colours: the same run everywhere.
  const env: NodeJS.ProcessEnv = { ...process.env, VIGIE_CONFIG: undefined, NO_COLOR: '1' };
  console.log(`Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
  if (!only || only === 'cli') commandLine(runs, env);
  if (!only || only === 'service') await service(Math.min(runs, 5), env);
  if (!only || only === 'scoring') scoringModule(runs);
}

if (process.argv.includes('--child')) await child();
else await main();
