import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeFile } from '../helpers/temp.ts';

// deploy/vigie.service cannot be run by systemd here: its command line is, from its working
// directory (the checkout stands for /opt/vigie), with its environment pointed at a temporary
// data folder, until /healthz answers; then SIGTERM (its KillSignal) stops it with 0.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UNIT = readFileSync(path.join(ROOT, 'deploy/vigie.service'), 'utf8');

function directives(name: string): string[] {
  return UNIT.split('\n')
    .filter((l) => l.startsWith(`${name}=`))
    .map((l) => l.slice(name.length + 1).trim());
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('deploy/vigie.service', () => {
  it('starts the service from its working directory with its ExecStart, and stops on its KillSignal', async () => {
    const [execStart] = directives('ExecStart');
    const [workingDirectory] = directives('WorkingDirectory');
    expect(execStart).toBe('/usr/bin/node bin/vigie.js start');
    expect(workingDirectory).toBe('/opt/vigie');
    expect(directives('KillSignal')).toEqual(['SIGTERM']);
    const env = Object.fromEntries(
      directives('Environment').map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['VIGIE_CONFIG', 'VIGIE_DATA_DIR']));
    // The data folder is the only writable path the hardening leaves.
    expect(directives('ReadWritePaths')).toEqual([env.VIGIE_DATA_DIR]);
    expect(directives('ProtectSystem')).toEqual(['strict']);

    const t = tempDir();
    cleanups.push(t.cleanup);
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const config = writeFile(t.dir, 'vigie.yaml', `server: { host: 127.0.0.1, port: ${port} }\n`);

    const [command, ...args] = execStart!.split(' ');
    // The unit names Debian's node; the test runs the same command with the node running it.
    expect(command).toMatch(/\/node$/);
    const child = spawn(process.execPath, args, {
      cwd: ROOT, // stands for WorkingDirectory: the checkout
      env: {
        ...process.env,
        ...env,
        VIGIE_CONFIG: config,
        VIGIE_DATA_DIR: path.join(t.dir, 'data'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(() => child.kill('SIGKILL'));

    const deadline = Date.now() + 120_000;
    let status = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status, output).toBe(200);
    // Not a terminal, as under systemd: JSON lines for the journal.
    const first = output.split('\n').find((l) => l.includes('Vigie listening'));
    expect(() => JSON.parse(first ?? '')).not.toThrow();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
