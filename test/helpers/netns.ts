// Several "hosts" on one machine, for tests that must show processes talking over a network:
// one Linux network namespace per host, each with a veth pair into a bridge of the root namespace
// on a /24 of its own, so a process in a host reaches the others (and this test process, which
// stays in the root namespace and serves the fakes on the bridge address) only over that network.
// The machine's own 127.0.0.1 services are out of reach from inside a host: its loopback is its own.
//
// Where namespaces cannot be made (not Linux, not root, no CAP_NET_ADMIN, VIGIE_TEST_NETNS=off) the
// same topology runs with every host on 127.0.0.1 and a message on stderr says why.
//
// Everything made here is removed by teardown(), by a handler at process exit (even after a failed
// assertion or an uncaught error), and — for a run that was killed outright — by the next run, which
// finds the dead run's record under <tmpdir>/vigie-netns/ and removes what it names.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startCommand, VIGIE_BIN, type VigieProcess } from '../jobs/process-kit.ts';
import { freshPgDatabase } from './pg.ts';

export type NetworkMode = 'netns' | 'loopback';

export interface Host {
  readonly name: string;
  /** The host's own address (127.0.0.1 in loopback mode). */
  readonly address: string;
  /** The namespace the host's processes run in; null in loopback mode. */
  readonly namespace: string | null;
}

export interface TestNetwork {
  readonly mode: NetworkMode;
  /** Why namespaces were not used (loopback mode), else null. */
  readonly fallbackReason: string | null;
  /** The hosts' subnet, e.g. 10.87.203.0/24 (127.0.0.0/8 in loopback mode). */
  readonly subnet: string;
  /** The root namespace's address on the bridge: where fakes served by the test process listen. */
  readonly rootAddress: string;
  /** The bridge's interface name; null in loopback mode. */
  readonly bridge: string | null;
  host(name: string): Host;
  /** Stops every process started in a host, removes the namespaces, the bridge and temp dirs. */
  teardown(): Promise<void>;
}

/** What a run made, written to disk so that a later run can remove it if this one is killed. */
interface RunRecord {
  pid: number;
  /** Processes to stop with a signal of their own before the kill (PostgreSQL: SIGQUIT, which
   * frees its System V shared memory; a SIGKILLed postmaster leaks it). */
  quitFirst: Array<{ pid: number; signal: NodeJS.Signals }>;
  namespaces: string[];
  links: string[];
  dirs: string[];
}

interface RunState extends RunRecord {
  id: string;
  processes: Set<VigieProcess>;
  /** Graceful stops (PostgreSQL's immediate shutdown, dropping a database) run before the kill. */
  stoppers: Array<() => Promise<void>>;
  recordFile: string;
  done: boolean;
}

const IP = 'ip';
const RECORD_DIR = path.join(tmpdir(), 'vigie-netns');
const live = new Set<RunState>();
const hostState = new WeakMap<Host, RunState>();
let exitHandlerInstalled = false;
let supportCache: string | null | undefined;

function ip(args: string[]): string {
  return execFileSync(IP, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ipQuiet(args: string[]): boolean {
  return spawnSync(IP, args, { stdio: 'ignore' }).status === 0;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Running: a zombie (dead, waiting for a parent that may never reap it) is not. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Null when this process can make network namespaces and veth pairs, else the reason it cannot.
 * Probed once by making (and removing) a namespace and a bridge.
 */
export function namespaceSupport(): string | null {
  if (supportCache !== undefined) return supportCache;
  supportCache = probeSupport();
  return supportCache;
}

function probeSupport(): string | null {
  if (process.env.VIGIE_TEST_NETNS === 'off') return 'VIGIE_TEST_NETNS=off';
  if (process.platform !== 'linux') return `network namespaces are Linux-only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not running as root (ip netns needs CAP_SYS_ADMIN and CAP_NET_ADMIN)';
  const probe = `vgp${randomBytes(3).toString('hex')}`;
  const added = spawnSync(IP, ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.error) return `\`ip\` (iproute2) is not installed: ${added.error.message}`;
  if (added.status !== 0) return `\`ip netns add\` failed: ${added.stderr.trim()}`;
  ipQuiet(['netns', 'del', probe]);
  const bridge = spawnSync(IP, ['link', 'add', probe, 'type', 'bridge'], { encoding: 'utf8' });
  if (bridge.status !== 0) return `\`ip link add … type bridge\` failed: ${bridge.stderr.trim()}`;
  ipQuiet(['link', 'del', probe]);
  return null;
}

/** Removes what a run made: processes in its namespaces, the namespaces, its links and dirs. */
function removeSync(rec: RunRecord, processes: Iterable<VigieProcess> = []): void {
  const quitting = rec.quitFirst.filter((q) => alive(q.pid));
  for (const q of quitting) {
    try {
      process.kill(q.pid, q.signal);
    } catch {
      // already gone
    }
  }
  for (let waited = 0; waited < 5_000 && quitting.some((q) => alive(q.pid)); waited += 50) sleepSync(50);
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of rec.namespaces) {
    // A namespace outlives its name while a process holds it (with our veth inside): kill them all.
    for (let attempt = 0; attempt < 50; attempt++) {
      const r = spawnSync(IP, ['netns', 'pids', ns], { encoding: 'utf8' });
      const pids = r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      sleepSync(40);
    }
    ipQuiet(['netns', 'del', ns]);
  }
  for (const link of rec.links) ipQuiet(['link', 'del', link]);
  for (const dir of rec.dirs) rmSync(dir, { recursive: true, force: true });
}

function writeRecord(state: RunState): void {
  const rec: RunRecord = {
    pid: state.pid,
    quitFirst: state.quitFirst,
    namespaces: state.namespaces,
    links: state.links,
    dirs: state.dirs,
  };
  writeFileSync(state.recordFile, JSON.stringify(rec));
}

/** Removes what runs that died without tearing down left behind. */
function sweepDeadRuns(): void {
  if (!existsSync(RECORD_DIR)) return;
  for (const name of readdirSync(RECORD_DIR)) {
    const file = path.join(RECORD_DIR, name);
    let rec: RunRecord;
    try {
      const read = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunRecord> & { pid: number };
      rec = { namespaces: [], links: [], dirs: [], ...read, quitFirst: read.quitFirst ?? [] };
    } catch {
      continue;
    }
    if (alive(rec.pid)) continue;
    removeSync(rec);
    rmSync(file, { force: true });
  }
}

function teardownSync(state: RunState): void {
  if (state.done) return;
  state.done = true;
  removeSync(state, state.processes);
  rmSync(state.recordFile, { force: true });
  live.delete(state);
}

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once('exit', () => {
    for (const state of [...live]) teardownSync(state);
  });
}

/** A 10.x.y.0/24 that no address or route of the machine overlaps. */
function freeSubnet(): string {
  const taken: Array<[ipaddr.IPv4, number]> = [];
  try {
    const routes = JSON.parse(ip(['-j', '-4', 'route', 'show', 'table', 'all'])) as Array<{ dst?: string }>;
    for (const r of routes) {
      if (!r.dst || r.dst === 'default') continue;
      const [a, bits] = r.dst.includes('/') ? r.dst.split('/') : [r.dst, '32'];
      if (ipaddr.IPv4.isValidFourPartDecimal(a!)) taken.push([ipaddr.IPv4.parse(a!), Number(bits)]);
    }
    const addrs = JSON.parse(ip(['-j', '-4', 'addr'])) as Array<{
      addr_info?: Array<{ local: string; prefixlen: number }>;
    }>;
    for (const i of addrs)
      for (const a of i.addr_info ?? []) taken.push([ipaddr.IPv4.parse(a.local), a.prefixlen]);
  } catch {
    // Without the tables, the random pick below still makes a clash unlikely.
  }
  for (let attempt = 0; attempt < 200; attempt++) {
    const b = 16 + Math.floor(Math.random() * 230);
    const c = 1 + Math.floor(Math.random() * 253);
    const net24 = ipaddr.IPv4.parse(`10.${b}.${c}.0`);
    const clash = taken.some(
      ([addr, bits]) => net24.match(addr, 24) || addr.match(net24, Math.min(bits, 32)),
    );
    if (!clash) return `10.${b}.${c}.0/24`;
  }
  throw new Error('no free 10.x.y.0/24 subnet for the test network');
}

/**
 * Makes the hosts: in netns mode a bridge on a fresh /24 (the root namespace takes .1) and one
 * namespace per host (.2, .3, … in the order given) with a veth into the bridge and loopback up.
 * `mode: 'loopback'` asks for the 127.0.0.1 topology even where namespaces work.
 */
export function createNetwork(
  hostNames: string[],
  options: { mode?: 'auto' | 'loopback' } = {},
): TestNetwork {
  installExitHandler();
  const reason = options.mode === 'loopback' ? 'loopback topology asked for' : namespaceSupport();
  const id = randomBytes(3).toString('hex');
  sweepDeadRuns();
  mkdirSync(RECORD_DIR, { recursive: true });
  const state: RunState = {
    id,
    pid: process.pid,
    quitFirst: [],
    namespaces: [],
    links: [],
    dirs: [],
    processes: new Set(),
    stoppers: [],
    recordFile: path.join(RECORD_DIR, `${process.pid}-${id}.json`),
    done: false,
  };
  live.add(state);
  writeRecord(state);
  const hosts = new Map<string, Host>();

  if (reason !== null) {
    if (options.mode !== 'loopback')
      process.stderr.write(
        `multi-host test network: network namespaces cannot be made here (${reason}); ` +
          'running the same scenario with every host on 127.0.0.1\n',
      );
    for (const name of hostNames) {
      const host: Host = { name, address: '127.0.0.1', namespace: null };
      hosts.set(name, host);
      hostState.set(host, state);
    }
    return network('loopback', reason, '127.0.0.0/8', '127.0.0.1', null);
  }

  const subnet = freeSubnet();
  const prefix = subnet.split('.').slice(0, 3).join('.');
  const bridge = `vg${id}`;
  try {
    state.links.push(bridge);
    writeRecord(state);
    ip(['link', 'add', bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${prefix}.1/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    hostNames.forEach((name, i) => {
      const ns = `vigie-${id}-${name}`;
      const outer = `vg${id}h${i}`;
      const inner = `vg${id}n${i}`;
      state.namespaces.push(ns);
      state.links.push(outer);
      writeRecord(state);
      ip(['netns', 'add', ns]);
      ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
      ip(['link', 'set', inner, 'netns', ns]);
      ip(['link', 'set', outer, 'master', bridge]);
      ip(['link', 'set', outer, 'up']);
      ip(['-n', ns, 'link', 'set', inner, 'name', 'eth0']);
      ip(['-n', ns, 'addr', 'add', `${prefix}.${i + 2}/24`, 'dev', 'eth0']);
      ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      const host: Host = { name, address: `${prefix}.${i + 2}`, namespace: ns };
      hosts.set(name, host);
      hostState.set(host, state);
    });
  } catch (err) {
    teardownSync(state);
    throw err;
  }
  return network('netns', null, subnet, `${prefix}.1`, bridge);

  function network(
    mode: NetworkMode,
    fallbackReason: string | null,
    sub: string,
    rootAddress: string,
    bridgeName: string | null,
  ): TestNetwork {
    return {
      mode,
      fallbackReason,
      subnet: sub,
      rootAddress,
      bridge: bridgeName,
      host(name) {
        const h = hosts.get(name);
        if (!h) throw new Error(`no host ${name} in this test network`);
        return h;
      },
      async teardown() {
        if (state.done) return;
        for (const stop of state.stoppers.splice(0).reverse()) {
          try {
            await stop();
          } catch {
            // The kill below removes whatever a graceful stop left.
          }
        }
        const running = [...state.processes].filter(
          (p) => p.child.exitCode === null && p.child.signalCode === null,
        );
        teardownSync(state);
        await Promise.all(running.map((p) => p.exited));
      },
    };
  }
}

function stateOf(host: Host): RunState {
  const state = hostState.get(host);
  if (!state) throw new Error(`host ${host.name} does not belong to a test network`);
  if (state.done) throw new Error(`the network of host ${host.name} was torn down`);
  return state;
}

/** A temp directory removed with the network (owned by `user` when given and this is root). */
export function hostDir(host: Host, label: string, user?: string): string {
  const state = stateOf(host);
  const dir = mkdtempSync(path.join(tmpdir(), `vigie-${state.id}-${host.name}-${label}-`));
  state.dirs.push(dir);
  writeRecord(state);
  if (user && process.getuid?.() === 0) {
    const { uid, gid } = userIds(user);
    chownSync(dir, uid, gid);
  }
  return dir;
}

function userIds(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Runs `cmd args` inside `host` (`ip netns exec`, which execs: the pid is the command's own).
 * `asUser` drops root for programs that refuse it (PostgreSQL), when this process is root.
 * The process is killed at teardown if it is still running.
 */
export function spawnIn(
  host: Host,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { asUser?: string } = {},
): VigieProcess {
  const state = stateOf(host);
  let argv = [cmd, ...args];
  if (options.asUser && process.getuid?.() === 0)
    argv = [
      'setpriv',
      `--reuid=${options.asUser}`,
      `--regid=${options.asUser}`,
      '--init-groups',
      '--',
      ...argv,
    ];
  if (host.namespace) argv = [IP, 'netns', 'exec', host.namespace, ...argv];
  const proc = startCommand(argv[0]!, argv.slice(1), env, [`${host.name}:`, cmd, ...args]);
  state.processes.add(proc);
  void proc.exited.then(() => state.processes.delete(proc));
  return proc;
}

/** Runs `vigie ARGS` inside `host`. */
export function startVigieIn(host: Host, args: string[], env: NodeJS.ProcessEnv): VigieProcess {
  return spawnIn(host, process.execPath, [VIGIE_BIN, ...args], env);
}

async function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The newest PostgreSQL server binaries installed (Debian layout), if any. */
export function postgresBinDir(): string | null {
  if (process.env.VIGIE_TEST_PG_BIN) return process.env.VIGIE_TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export interface DataServices {
  /** postgres://… of the database the scenario uses. */
  databaseUrl: string;
  redisUrl: string;
  /** True when PostgreSQL is this network's own server (initdb'd for it), false for the machine's. */
  privatePostgres: boolean;
  /** The private server's data directory (null for the machine's). */
  postgresDataDir: string | null;
  privateRedis: boolean;
  /** What the private PostgreSQL logged so far (it logs every connection with its client address). */
  postgresOutput(): string;
  /** The private servers' process ids (null for the machine's). */
  postgresPid: number | null;
  redisPid: number | null;
  /** Connects to the database from this (root) process. */
  pgClient(): Promise<pg.Client>;
}

/**
 * Starts the data host: its own PostgreSQL (a fresh cluster, trust for the subnet, listening on
 * the host's address only) and its own redis-server bound to that address. In loopback mode, when
 * the binaries are missing, it falls back to the machine's servers (a fresh database on the
 * server of test/helpers/pg.ts, VIGIE_TEST_PG_URL; the Redis of
 * VIGIE_TEST_REDIS_URL or 127.0.0.1:6379 — the scenario then needs a key prefix of its own).
 */
export async function startDataServices(
  network: TestNetwork,
  hostName: string,
  options: { database?: string } = {},
): Promise<DataServices> {
  const host = network.host(hostName);
  const state = stateOf(host);
  const database = options.database ?? 'vigie';
  const [pgSide, redisSide] = await Promise.all([
    startPostgres(network, host, state, database),
    startRedis(network, host),
  ]);
  return {
    ...pgSide,
    ...redisSide,
    async pgClient() {
      const client = new pg.Client({ connectionString: pgSide.databaseUrl });
      await client.connect();
      return client;
    },
  };
}

async function startPostgres(
  network: TestNetwork,
  host: Host,
  state: RunState,
  database: string,
): Promise<
  Pick<DataServices, 'databaseUrl' | 'privatePostgres' | 'postgresDataDir' | 'postgresPid' | 'postgresOutput'>
> {
  const bin = postgresBinDir();
  if (!bin) {
    if (network.mode === 'netns')
      throw new Error('the data host needs PostgreSQL server binaries (/usr/lib/postgresql/*/bin)');
    const fresh = await freshPgDatabase();
    state.stoppers.push(() => fresh.drop());
    return {
      databaseUrl: fresh.url,
      privatePostgres: false,
      postgresDataDir: null,
      postgresPid: null,
      postgresOutput: () => '',
    };
  }
  const user = process.getuid?.() === 0 ? 'postgres' : undefined;
  const base = hostDir(host, 'pg', user);
  const dataDir = path.join(base, 'data');
  const sockDir = path.join(base, 'sock');
  const asUser = (cmd: string, args: string[]) =>
    user
      ? execFileSync('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', cmd, ...args], {
          cwd: base,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : execFileSync(cmd, args, { cwd: base, stdio: ['ignore', 'pipe', 'pipe'] });
  asUser('mkdir', ['-m', '700', sockDir]);
  asUser(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  if (network.mode === 'netns')
    appendFileSync(path.join(dataDir, 'pg_hba.conf'), `host all all ${network.subnet} trust\n`);
  const port = network.mode === 'netns' ? 5432 : await freePort('127.0.0.1');
  const server = spawnIn(
    host,
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-k',
      sockDir,
      '-p',
      String(port),
      '-c',
      `listen_addresses=${host.address}`,
      // A throw-away cluster: durability buys nothing here and costs the shared disk.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'log_connections=on',
    ],
    {},
    { asUser: user },
  );
  state.quitFirst.push({ pid: server.pid, signal: 'SIGQUIT' });
  writeRecord(state);
  state.stoppers.push(async () => {
    // Immediate shutdown: the cluster is thrown away, and it frees its shared memory.
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGQUIT');
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 10_000))]);
  });
  await server.waitForLine(/database system is ready to accept connections/, 60_000);
  const admin = `postgres://postgres@${host.address}:${port}/postgres`;
  await adminQuery(admin, `CREATE DATABASE ${database}`);
  return {
    databaseUrl: `postgres://postgres@${host.address}:${port}/${database}`,
    privatePostgres: true,
    postgresDataDir: dataDir,
    postgresPid: server.pid,
    postgresOutput: server.output,
  };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function startRedis(
  network: TestNetwork,
  host: Host,
): Promise<Pick<DataServices, 'redisUrl' | 'privateRedis' | 'redisPid'>> {
  if (!commandExists('redis-server')) {
    if (network.mode === 'netns') throw new Error('the data host needs redis-server');
    return {
      redisUrl: process.env.VIGIE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      privateRedis: false,
      redisPid: null,
    };
  }
  const dir = hostDir(host, 'redis');
  const port = network.mode === 'netns' ? 6379 : await freePort('127.0.0.1');
  const server = spawnIn(host, 'redis-server', [
    '--bind',
    host.address,
    '--port',
    String(port),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
  ]);
  await server.waitForLine(/Ready to accept connections/, 30_000);
  const redisUrl = `redis://${host.address}:${port}`;
  const probe = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
  return { redisUrl, privateRedis: true, redisPid: server.pid };
}
