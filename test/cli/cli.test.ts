import { afterEach, describe, expect, it } from 'vitest';
import { startFakeXApi } from '../fakes/x-api.ts';
import { runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { databaseYaml, testDatabaseConfig } from '../helpers/test-store.ts';

const TOKEN = 'cli-test-token';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A fresh store of the tested dialect for the commands: the `database:` lines of their configuration. */
async function freshDatabaseYaml(): Promise<string> {
  const database = await testDatabaseConfig();
  closers.push(() => database.drop());
  return databaseYaml(database.config).join('\n');
}

function workspace(yaml: string): { dir: string; config: string } {
  const t = tempDir();
  closers.push(t.cleanup);
  return { dir: t.dir, config: writeFile(t.dir, 'vigie.yaml', yaml) };
}

describe('vigie CLI', () => {
  it('prints its commands with --help', async () => {
    const r = await runVigie(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'poll', 'mentions', 'migrate', 'sources', 'score'])
      expect(r.stdout).toContain(cmd);
  });

  it('exits 2 naming a bad config key', async () => {
    const { config } = workspace('dataDir: ./data\nserver: { host: 127.0.0.1, prot: 3000 }\n');
    const r = await runVigie(['--config', config, 'sources']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('server.prot: unknown setting');
  });

  it('exits 2 naming a bad value, read from VIGIE_CONFIG', async () => {
    const { config } = workspace('server: { port: 70000 }\n');
    const r = await runVigie(['migrate'], { env: { VIGIE_CONFIG: config } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/server\.port: .*65535/);
  });

  it('exits 2 on a bad --since or --format', async () => {
    const { config } = workspace('dataDir: ./data\n');
    expect((await runVigie(['--config', config, 'mentions', '--since', 'yesterday'])).code).toBe(2);
    expect((await runVigie(['--config', config, 'mentions', '--format', 'xml'])).code).toBe(2);
  });

  it('polls once, then lists mentions as JSON Lines and as a table', async () => {
    const fake = await startFakeXApi({ token: TOKEN });
    closers.push(() => fake.close());
    fake.addUser('alice_m', { name: 'Alice Martin' });
    fake.generateMentions('alice_m', 120);
    fake.addTweets([{ text: 'Élodie parle de @alice_m', author: 'bob' }]);
    const { dir, config } = workspace(`
dataDir: ./data
${await freshDatabaseYaml()}
log: { level: warn }
sources: { x: { baseUrl: "${fake.url}" } }
watches:
  - id: alice
    names: ["Alice Martin"]
    x: { handle: alice_m }
`);
    const env = { VIGIE_X_BEARER_TOKEN: TOKEN };
    const poll = await runVigie(['--config', config, 'poll', '--once'], { env, cwd: dir });
    expect(poll.code, poll.stderr).toBe(0);
    expect(poll.stdout).toMatch(/alice\s+x_mentions\s+alice_m\s+ok\s+121\s+121/);
    expect(poll.stdout + poll.stderr).not.toContain(TOKEN);

    const list = await runVigie(['--config', config, 'mentions', '--format', 'jsonl'], { env, cwd: dir });
    expect(list.code).toBe(0);
    const lines = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(121);
    expect(new Set(lines.map((l) => l.externalId)).size).toBe(121);
    for (const key of [
      'id',
      'watch',
      'source',
      'externalId',
      'url',
      'author',
      'text',
      'createdAt',
      'score',
      'level',
      'hostile',
      'categories',
    ]) {
      expect(lines[0]).toHaveProperty(key);
    }
    expect(lines[0].source).toBe('x_mentions');

    const search = await runVigie(
      ['--config', config, 'mentions', '--search', 'elodie', '--format', 'jsonl'],
      { env, cwd: dir },
    );
    expect(
      search.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['Élodie parle de @alice_m']);

    const table = await runVigie(['--config', config, 'mentions', '--format', 'table', '--limit', '3'], {
      env,
      cwd: dir,
    });
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+watch\s+source/);
    expect(table.stdout.trim().split('\n')).toHaveLength(4);

    const sources = await runVigie(['--config', config, 'sources'], { env, cwd: dir });
    expect(sources.stdout).toMatch(/alice\s+x_mentions\s+alice_m\s+ok/);
  }, 120_000);

  it('prints a failing source and still exits 0 from poll --once', async () => {
    const fake = await startFakeXApi({ token: TOKEN });
    closers.push(() => fake.close());
    const { dir, config } = workspace(`
${await freshDatabaseYaml()}
log: { level: silent }
sources: { x: { baseUrl: "${fake.url}", bearerToken: "wrong-token" } }
watches:
  - { id: alice, names: ["Alice"], x: { handle: nobody_here } }
`);
    const r = await runVigie(['--config', config, 'poll', '--once'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/x_mentions\s+nobody_here\s+FAILED/);
    const sources = await runVigie(['--config', config, 'sources'], { cwd: dir });
    expect(sources.stdout).toMatch(/FAILING ×1 since/);
  }, 60_000);
});
