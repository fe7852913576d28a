// Run inside a test host (`node bin/run-ts.js test/helpers/net-probe.ts '<json>'`): says what this
// host can reach. Input {pg?: url, redis?: url, tcp?: [{host, port}]}; prints one JSON line:
//   pg:    the server's address and data directory and the client address it sees, or the error;
//   redis: its run_id (one per server process), or the error;
//   tcp:   per target, 'connected' or the error code (ECONNREFUSED, ETIMEDOUT, …).
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';

interface ProbeInput {
  pg?: string;
  redis?: string;
  tcp?: Array<{ host: string; port: number }>;
}

export interface ProbeResult {
  pg?: { serverAddr: string; clientAddr: string; dataDirectory: string } | { error: string };
  redis?: { runId: string } | { error: string };
  tcp?: Array<{ host: string; port: number; result: string }>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ProbeInput;
const out: ProbeResult = {};

if (input.pg) {
  const client = new pg.Client({ connectionString: input.pg, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server: string; client: string; dir: string }>(
      "select host(inet_server_addr()) as server, host(inet_client_addr()) as client, current_setting('data_directory') as dir",
    );
    out.pg = { serverAddr: rows[0]!.server, clientAddr: rows[0]!.client, dataDirectory: rows[0]!.dir };
  } catch (err) {
    out.pg = { error: (err as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (input.redis) {
  const redis = new Redis(input.redis, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 5_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('server');
    out.redis = { runId: /run_id:(\w+)/.exec(info)?.[1] ?? '' };
  } catch (err) {
    out.redis = { error: (err as Error).message };
  } finally {
    redis.disconnect();
  }
}

if (input.tcp) {
  out.tcp = await Promise.all(
    input.tcp.map(
      (t) =>
        new Promise<{ host: string; port: number; result: string }>((resolve) => {
          const socket = net.connect({ host: t.host, port: t.port, timeout: 3_000 });
          const done = (result: string) => {
            socket.destroy();
            resolve({ ...t, result });
          };
          socket.once('connect', () => done('connected'));
          socket.once('timeout', () => done('ETIMEDOUT'));
          socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
        }),
    ),
  );
}

process.stdout.write(JSON.stringify(out) + '\n');
