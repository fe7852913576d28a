import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtimeMs, pickBuild } from '../../bin/pick-build.js';
import { VIGIE_BIN } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

// What makes `vigie` start at once: the command definitions load nothing heavy, and bin/vigie.js
// runs the compiled tree only while it is current. The figures themselves: bench/start.ts.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECORDER = path.join(ROOT, 'test/fixtures/startup/record-modules.mjs');
// What a command's action imports, never its definition: each of these costs tens to hundreds of ms.
const HEAVY = [
  'fastify',
  'drizzle-orm',
  'better-sqlite3',
  'pino',
  'zod',
  'yaml',
  'bullmq',
  'ioredis',
  'nodemailer',
  'argon2',
  'eta',
  'twitter-api-v2',
  'node-cron',
];

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('vigie --help', () => {
  it('loads the command definitions only: no heavy package, nothing of the app, the database or the web', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const record = path.join(t.dir, 'modules.txt');
    writeFileSync(record, '');
    const r = spawnSync(process.execPath, ['--import', RECORDER, VIGIE_BIN, '--help'], {
      env: { ...process.env, VIGIE_RECORD_MODULES: record },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: vigie');
    expect(r.stdout).toContain('poll');
    const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((u) => u.includes('/cli.'))).toBe(true);
    const packages = new Set(loaded.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? []));
    expect([...packages].filter((p) => HEAVY.includes(p))).toEqual([]);
    const ours = loaded.filter((u) => /\/(src|dist)\//.test(u));
    expect(
      ours.filter((u) =>
        /\/(src|dist)\/(app\/(?!stop-signals)|db\/|web\/(?!auth\/roles)|ingest\/|alerts\/(?!channels\/channel-kinds)|evidence\/|identity\/|sources\/)/.test(
          u,
        ),
      ),
    ).toEqual([]);
  });
});

describe('bin/vigie.js: compiled tree or sources', () => {
  function project() {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const root = t.dir;
    mkdirSync(path.join(root, 'bin'));
    for (const f of ['vigie.js', 'pick-build.js'])
      writeFileSync(path.join(root, 'bin', f), readFileSync(path.join(ROOT, 'bin', f)));
    mkdirSync(path.join(root, 'src/cli'), { recursive: true });
    mkdirSync(path.join(root, 'dist'));
    writeFileSync(path.join(root, 'src/cli.ts'), "const tree: string = 'sources';\nconsole.log(tree);\n");
    writeFileSync(path.join(root, 'src/cli/part.ts'), 'export {};\n');
    writeFileSync(path.join(root, 'dist/cli.js'), "console.log('compiled');\n");
    writeFileSync(path.join(root, 'package.json'), '{"type":"module"}\n');
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
    // Every source an hour old, the build stamp of then.
    const then = new Date(Date.now() - 3_600_000);
    for (const p of ['src/cli/part.ts', 'src/cli.ts', 'src/cli', 'src'])
      utimesSync(path.join(root, p), then, then);
    const stamp = () =>
      writeFileSync(
        path.join(root, 'dist/.build-stamp.json'),
        JSON.stringify({ sourcesMtimeMs: newestMtimeMs(path.join(root, 'src')) }),
      );
    const run = (env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, [path.join(root, 'bin/vigie.js')], {
        env: { ...process.env, VIGIE_FROM_SOURCES: '', ...env },
        encoding: 'utf8',
      }).stdout.trim();
    return { root, stamp, run };
  }

  it('runs dist/ when its stamp covers every source, the sources through tsx otherwise', () => {
    const p = project();
    expect(pickBuild(p.root, {})).toMatchObject({
      tree: 'src',
      reason: expect.stringContaining('no compiled build'),
    });
    expect(p.run()).toBe('sources');
    p.stamp();
    expect(pickBuild(p.root, {}).tree).toBe('dist');
    expect(p.run()).toBe('compiled');
    expect(p.run({ VIGIE_FROM_SOURCES: '1' })).toBe('sources');
  });

  it('an edited source, a new file or a deleted one makes dist/ stale', () => {
    const p = project();
    p.stamp();
    writeFileSync(path.join(p.root, 'src/cli/part.ts'), 'export const edited = 1;\n');
    expect(pickBuild(p.root, {})).toMatchObject({ tree: 'src', reason: expect.stringContaining('changed') });
    expect(p.run()).toBe('sources');
    p.stamp();
    expect(p.run()).toBe('compiled');
    rmSync(path.join(p.root, 'src/cli/part.ts'));
    expect(pickBuild(p.root, {}).tree).toBe('src');
    p.stamp();
    writeFileSync(path.join(p.root, 'src/cli/new.ts'), 'export {};\n');
    expect(pickBuild(p.root, {}).tree).toBe('src');
  });
});
