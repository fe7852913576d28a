// The multi-host test network (test/helpers/netns.ts): hosts in network namespaces reach the data
// host's own PostgreSQL and Redis over the bridge — never the machine's 127.0.0.1 services — and
// nothing is left behind after teardown, nor after a process that died before tearing down.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  createNetwork,
  namespaceSupport,
  spawnIn,
  startDataServices,
  type DataServices,
  type Host,
  type TestNetwork,
} from '../helpers/netns.ts';
import type { ProbeResult } from '../helpers/net-probe.ts';
import { RUN_TS, startProcess } from './process-kit.ts';

const PROBE = fileURLToPath(new URL('../helpers/net-probe.ts', import.meta.url));
const EXIT_CHECK = fileURLToPath(new URL('../helpers/netns-exit-check.ts', import.meta.url));

const networks: TestNetwork[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const n of networks.splice(0)) await n.teardown();
});

async function probeFrom(host: Host, input: Record<string, unknown>): Promise<ProbeResult> {
  const p = spawnIn(host, process.execPath, [RUN_TS, PROBE, JSON.stringify(input)]);
  const code = await p.exited;
  expect(code, p.output()).toBe(0);
  const line = p.output().trim().split('\n').at(-1)!;
  return JSON.parse(line) as ProbeResult;
}

async function redisRunId(url: string): Promise<string> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return /run_id:(\w+)/.exec(await redis.info('server'))![1]!;
  } finally {
    await redis.quit();
  }
}

async function serverDataDir(services: DataServices): Promise<string> {
  const client = await services.pgClient();
  try {
    const { rows } = await client.query<{ dir: string }>("select current_setting('data_directory') as dir");
    return rows[0]!.dir;
  } finally {
    await client.end();
  }
}

/** An HTTP server of this (root) process on the network's root address, as the fakes are served. */
async function rootServer(network: TestNetwork): Promise<number> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, network.rootAddress, resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

const namespacesNow = () =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0]);
const linkExists = (name: string) =>
  spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0;
/** Running (a zombie — dead, waiting for a parent that may never reap it — is not). */
const processAlive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('multi-host test network', () => {
  it('a worker host reaches the data host’s own PostgreSQL and Redis over the bridge, not the machine’s 127.0.0.1', async () => {
    const network = createNetwork(['db', 'worker']);
    networks.push(network);
    const support = namespaceSupport();
    expect(network.mode).toBe(support === null ? 'netns' : 'loopback');
    const db = network.host('db');
    const worker = network.host('worker');
    const services = await startDataServices(network, 'db');
    const fakePort = await rootServer(network);

    const seen = await probeFrom(worker, {
      pg: services.databaseUrl,
      redis: services.redisUrl,
      tcp: [
        { host: '127.0.0.1', port: 5432 },
        { host: '127.0.0.1', port: 6379 },
        { host: network.rootAddress, port: fakePort },
      ],
    });

    // The servers the worker reached are the ones this process reaches at the data host's address.
    expect(seen.pg).toMatchObject({ serverAddr: db.address });
    if (services.privatePostgres)
      expect(seen.pg).toMatchObject({ dataDirectory: await serverDataDir(services) });
    expect(seen.redis).toEqual({ runId: await redisRunId(services.redisUrl) });
    // The fakes served by the test process on its bridge address are reachable from the host.
    expect(seen.tcp![2]!.result).toBe('connected');

    if (network.mode === 'netns') {
      expect(db.address).not.toBe(worker.address);
      expect(services.privatePostgres && services.privateRedis).toBe(true);
      expect(services.postgresDataDir).not.toBeNull();
      // The connection came from the worker's own address, over its veth.
      expect(seen.pg).toMatchObject({ clientAddr: worker.address });
      // Inside a host, 127.0.0.1 is the host's own loopback: the machine's PostgreSQL and Redis
      // (which this root process may well reach there) are not.
      expect(seen.tcp!.slice(0, 2).map((t) => t.result)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    } else {
      process.stderr.write(`multi-host network smoke test ran on 127.0.0.1: ${network.fallbackReason}\n`);
    }

    const pids = [services.postgresPid, services.redisPid].filter((p): p is number => p !== null);
    await network.teardown();
    expect(pids.filter(processAlive)).toEqual([]);
    if (network.mode === 'netns') {
      const names = [db.namespace!, worker.namespace!];
      expect(namespacesNow().filter((n) => names.includes(n!))).toEqual([]);
      expect(linkExists(network.bridge!)).toBe(false);
    }
    if (services.postgresDataDir) expect(existsSync(services.postgresDataDir)).toBe(false);
  }, 90_000);

  it('leaves no namespace, bridge, process or directory behind when the process dies before teardown', async () => {
    const child = startProcess([EXIT_CHECK], {}, RUN_TS);
    const code = await child.exited;
    expect(code).not.toBe(0);
    expect(child.output()).toContain('a failure before teardown');
    const made = JSON.parse(
      child
        .output()
        .split('\n')
        .find((l) => l.startsWith('{"mode"'))!,
    ) as {
      mode: string;
      bridge: string | null;
      namespaces: Array<string | null>;
      pids: number[];
      dirs: string[];
    };
    expect(made.pids.length).toBeGreaterThan(0);
    expect(made.pids.filter(processAlive)).toEqual([]);
    for (const d of made.dirs) expect(existsSync(d)).toBe(false);
    if (made.mode === 'netns') {
      expect(made.namespaces.every((n) => n !== null)).toBe(true);
      expect(namespacesNow().filter((n) => made.namespaces.includes(n!))).toEqual([]);
      expect(linkExists(made.bridge!)).toBe(false);
    }
  }, 90_000);

  it('where namespaces cannot be made, the same hosts run on 127.0.0.1 with private servers on free ports', async () => {
    const network = createNetwork(['db', 'worker'], { mode: 'loopback' });
    networks.push(network);
    expect(network.mode).toBe('loopback');
    expect(network.host('worker').address).toBe('127.0.0.1');
    const services = await startDataServices(network, 'db');
    const seen = await probeFrom(network.host('worker'), {
      pg: services.databaseUrl,
      redis: services.redisUrl,
    });
    expect(seen.pg).toMatchObject({ serverAddr: '127.0.0.1' });
    expect(seen.redis).toEqual({ runId: await redisRunId(services.redisUrl) });
    if (services.privatePostgres) {
      expect(seen.pg).toMatchObject({ dataDirectory: await serverDataDir(services) });
      expect(new URL(services.databaseUrl).port).not.toBe('5432');
    }
    const pids = [services.postgresPid, services.redisPid].filter((p): p is number => p !== null);
    await network.teardown();
    expect(pids.filter(processAlive)).toEqual([]);
  }, 90_000);
});
