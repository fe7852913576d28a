import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { startFakeXApi } from '../fakes/x-api.ts';
import { startFakeSmtp } from '../fakes/smtp.ts';
import { startFakeWayback } from '../fakes/wayback.ts';
import { runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { databaseYaml, testDatabaseConfig } from '../helpers/test-store.ts';

// `vigie poll --once`, as a system cron would run it, goes through the whole cycle of what it
// stored: the immediate alert reaches the proxy and the hostile post is submitted for archiving,
// before the command exits.

const TOKEN = 'poll-once-token';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('vigie poll --once', () => {
  it('sends the immediate alert of a threat to the proxy and archives the post', async () => {
    const x = await startFakeXApi({ token: TOKEN });
    closers.push(() => x.close());
    const smtp = await startFakeSmtp();
    closers.push(() => smtp.close());
    const wayback = await startFakeWayback();
    closers.push(() => wayback.close());
    x.addUser('alice_m', { name: 'Alice Martin' });
    x.addTweets([
      { text: '@alice_m je vais te tuer, tu vas crever sale connasse', author: 'troll_1', lang: 'fr' },
      { text: '@alice_m merci pour ton article', author: 'reader_2', lang: 'fr' },
    ]);
    const t = tempDir();
    closers.push(t.cleanup);
    const database = await testDatabaseConfig();
    closers.push(() => database.drop());
    const config = writeFile(
      t.dir,
      'vigie.yaml',
      `dataDir: ./data
${databaseYaml(database.config).join('\n')}
log: { level: silent }
server: { publicUrl: "https://vigie.example.org" }
sources: { x: { baseUrl: "${x.url}" } }
mail:
  from: "Vigie <vigie@example.org>"
  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, timeoutMs: 20000 }
alerts: { unsubscribeSecret: "poll-once-secret-0123456789abcdef" }
archive:
  wayback: { baseUrl: "${wayback.url}", availabilityUrl: "${wayback.availabilityUrl}", statusPollMs: 50 }
watches:
  - id: alice
    names: ["Alice Martin"]
    x: { handle: alice_m }
    recipients:
      - { email: bob@example.org, role: proxy, language: en }
`,
    );

    const r = await runVigie(['--config', config, 'poll', '--once'], {
      cwd: t.dir,
      env: { VIGIE_X_BEARER_TOKEN: TOKEN },
      timeoutMs: 120_000,
    });
    expect(r.stderr).not.toMatch(/error|failed/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/alice\s+x_mentions\s+alice_m\s+ok\s+2\s+2\s+1/);
    expect(r.stdout).toMatch(/then: .*alert ×1/);

    // The alert was sent before the command exited: no waiting here.
    const toProxy = smtp.mails.filter((m) => JSON.stringify(m.to).includes('bob@example.org'));
    expect(toProxy).toHaveLength(1);
    expect(toProxy[0]!.subject).toMatch(/threat|menace/i);

    expect(wayback.submissions.map((s) => s.url)).toHaveLength(1);
    const store = await database.open(path.join(t.dir, 'data'));
    closers.push(() => store.close());
    const archived = await store.get<{ n: number }>(sql`select count(*) as n from archives`);
    expect(Number(archived?.n)).toBe(1);
  }, 180_000);
});
