import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startFakeFeedServer } from '../fakes/feed-server.ts';
import { startProcess } from '../jobs/process-kit.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { databaseYaml, testDatabaseConfig } from '../helpers/test-store.ts';

// `vigie start` on a busy port, and signals during start-up: the process must end, and nothing
// may be polled by a service that never listened.

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://example.org/</link>
<description>d</description><item><title>p</title><link>http://example.org/p/1</link><guid>p1</guid>
<description>Alice Martin</description></item></channel></rss>`;

async function setup(port: number) {
  const feed = await startFakeFeedServer();
  closers.push(() => feed.close());
  feed.setFeed('/feed.xml', { body: RSS, contentType: 'application/rss+xml' });
  const t = tempDir();
  closers.push(t.cleanup);
  const database = await testDatabaseConfig();
  closers.push(() => database.drop());
  const config = writeFile(
    t.dir,
    'vigie.yaml',
    [
      `dataDir: ${JSON.stringify(`${t.dir}/data`)}`,
      ...databaseYaml(database.config),
      `server: { host: 127.0.0.1, port: ${port} }`,
      'network: { allowPrivateAddresses: true }',
      'watches:',
      `  - { id: alice, names: ["Alice Martin"], feeds: ["${feed.url}/feed.xml"] }`,
      '',
    ].join('\n'),
  );
  return { feed, config };
}

async function busyPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('vigie start', () => {
  it('on a busy port exits 1 at once with one line naming the port, and polls nothing', async () => {
    const port = await busyPort();
    const { feed, config } = await setup(port);
    const p = startProcess(['--config', config, 'start'], { VIGIE_CONFIG: '', NO_COLOR: '1' });
    closers.push(async () => void (await p.stop('SIGKILL')));
    const code = await p.exited;
    expect(code).toBe(1);
    const problem = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('vigie: port'));
    expect(problem).toEqual([
      `vigie: port ${port} on 127.0.0.1 is already in use (another Vigie?): stop it, or choose another port with server.port or VIGIE_PORT`,
    ]);
    expect(p.output()).not.toContain('Vigie started');
    expect(feed.requests).toHaveLength(0);
  }, 120_000);

  it('stops with 0 on SIGTERM during start-up, before listening, and polls nothing', async () => {
    const port = await freePort(); // the service could listen on it if it went on
    const { feed, config } = await setup(port);
    const p = startProcess(['--config', config, 'start'], { VIGIE_CONFIG: '', NO_COLOR: '1' });
    closers.push(async () => void (await p.stop('SIGKILL')));
    // Printed while the configuration is read, before the database, the web app and the jobs.
    await p.waitForLine(/created the data folder/, 120_000);
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(p.output()).not.toContain('Vigie started');
    expect(feed.requests).toHaveLength(0);
  }, 180_000);

  it('stops with 0 on SIGINT once running', async () => {
    const port = await freePort();
    const { feed, config } = await setup(port);
    const p = startProcess(['--config', config, 'start'], { VIGIE_CONFIG: '', NO_COLOR: '1' });
    closers.push(async () => void (await p.stop('SIGKILL')));
    await p.waitForLine(/Vigie started/, 120_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    // The boot poll ran once the web server listened.
    expect(feed.requests.length).toBeGreaterThan(0);
  }, 180_000);
});
