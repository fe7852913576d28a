import { afterEach, describe, expect, it } from 'vitest';
import { login, makeFixture, postForm, type Fixture } from './helpers.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.ts';
import { startFakeMatrix, type FakeMatrix } from '../fakes/matrix.ts';
import { createRecipientsRepo } from '../../src/alerts/recipients-repo.ts';

const BOT = '42:fake-bot-token';
const TOKEN = 'syt_matrix_fake';

let f: Fixture | undefined;
let telegram: FakeTelegram | undefined;
let matrix: FakeMatrix | undefined;

afterEach(async () => {
  await f?.close();
  await telegram?.close();
  await matrix?.close();
  f = telegram = matrix = undefined;
});

async function fixture() {
  telegram = await startFakeTelegram(BOT, ['555']);
  matrix = await startFakeMatrix(TOKEN, ['!room:fake.local']);
  f = await makeFixture({
    watches: ['alice'],
    network: { allowPrivateAddresses: true },
    notifications: {
      retryDelayMs: 5,
      telegram: { apiUrl: telegram.url, botToken: BOT },
      matrix: { homeserverUrl: matrix.url, accessToken: TOKEN },
    },
  });
  const id = await f.addUser('bob@example.org', 'proxy', ['alice']);
  const jar = await login(f.app, 'bob@example.org');
  return { f, id, jar };
}

const PAGE = '/account/notifications';

describe('Account → Notifications', { timeout: 60_000 }, () => {
  it('a person sets their digest, quiet hours and time zone; every watch they follow uses them', async () => {
    const { f, id, jar } = await fixture();
    const page = await f.app.inject({ method: 'GET', url: PAGE, headers: { cookie: jar.header() } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Where your messages go');
    expect(page.body).toContain('bob@example.org');
    const saved = await postForm(
      f.app,
      jar,
      `${PAGE}/settings`,
      { digest: 'weekly', quietFrom: '22:00', quietTo: '07:30', timeZone: 'America/Montreal' },
      PAGE,
    );
    expect(saved.statusCode).toBe(303);
    // The account is a recipient of its watch (no second list), with its own settings.
    const recipients = createRecipientsRepo(f.store);
    await recipients.syncFromConfig([(await f.deps.watches.get('alice'))!.definition]);
    const r = (await recipients.listActive('alice')).find((x) => x.email === 'bob@example.org')!;
    expect(r).toMatchObject({
      userId: id,
      role: 'proxy',
      digest: 'weekly',
      timezone: 'America/Montreal',
      quietHours: { from: '22:00', to: '07:30' },
      alerts: true,
      watchName: 'Alice Martin',
    });
    const bad = await postForm(f.app, jar, `${PAGE}/settings`, { timeZone: 'Mars/Olympus' }, PAGE);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Unknown time zone');
    const badQuiet = await postForm(
      f.app,
      jar,
      `${PAGE}/settings`,
      { quietFrom: '25:00', quietTo: '07:00' },
      PAGE,
    );
    expect(badQuiet.statusCode).toBe(400);
    expect((await recipients.listActive('alice')).find((x) => x.email === 'bob@example.org')!.digest).toBe(
      'weekly',
    );
  });

  it('channels are added with plain-words errors, tested with one button each, and removed', async () => {
    const { f, jar } = await fixture();
    const bad = await postForm(
      f.app,
      jar,
      `${PAGE}/channels`,
      { kind: 'telegram', chatId: 'not a chat' },
      PAGE,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('A Telegram chat id is a number');
    expect(
      (await postForm(f.app, jar, `${PAGE}/channels`, { kind: 'telegram', chatId: '555' }, PAGE)).statusCode,
    ).toBe(303);
    expect(
      (await postForm(f.app, jar, `${PAGE}/channels`, { kind: 'matrix', roomId: '!room:fake.local' }, PAGE))
        .statusCode,
    ).toBe(303);
    const hook = await postForm(
      f.app,
      jar,
      `${PAGE}/channels`,
      {
        kind: 'webhook',
        url: 'https://hooks.example.org/abc?token=receiver-secret',
        secret: 'a-long-signing-secret',
      },
      PAGE,
    );
    expect(hook.statusCode).toBe(303);
    const page = await f.app.inject({ method: 'GET', url: PAGE, headers: { cookie: jar.header() } });
    expect(page.body).toContain('!room:fake.local');
    expect(page.body).toMatch(/Telegram — 555/);
    // Neither the webhook's signing secret nor the token in its URL is shown back.
    expect(page.body).toContain('https://hooks.example.org');
    expect(page.body).not.toContain('receiver-secret');
    expect(page.body).not.toContain('a-long-signing-secret');
    // Nor is any target readable in the database: every field is sealed with the installation's key.
    const stored = JSON.stringify(await f.all('select target from person_channels'));
    for (const plain of [
      '555',
      '!room:fake.local',
      'hooks.example.org',
      'receiver-secret',
      'a-long-signing-secret',
    ])
      expect(stored).not.toContain(plain);
    expect(stored.match(/sealed:v1\./g)).toHaveLength(4);

    const tested = await postForm(f.app, jar, `${PAGE}/test`, { kind: 'telegram' }, PAGE);
    expect(tested.statusCode).toBe(200);
    expect(tested.body).toMatch(/Telegram 555 — sent/);
    expect(telegram!.messages).toHaveLength(1);
    expect(telegram!.messages[0]!.bold).toEqual(['Vigie — test message']);
    expect(matrix!.roomEvents).toHaveLength(0);

    const all = await postForm(f.app, jar, `${PAGE}/test`, {}, PAGE);
    expect(all.body).toMatch(/Matrix !room:fake.local — sent/);
    expect(all.body).toMatch(/E-mail bob@example.org — sent/);
    // The webhook's host does not resolve here: a clear failure, the others still went.
    expect(all.body).toMatch(/Webhook \(signed JSON\) https:\/\/hooks.example.org — not sent:/);
    expect(telegram!.messages).toHaveLength(2);
    expect(matrix!.roomEvents).toHaveLength(1);

    const id = /channels\/(\d+)\/remove/.exec(page.body)![1]!;
    expect((await postForm(f.app, jar, `${PAGE}/channels/${id}/remove`, {}, PAGE)).statusCode).toBe(303);
    const after = await f.app.inject({ method: 'GET', url: PAGE, headers: { cookie: jar.header() } });
    expect(after.body).not.toMatch(/Telegram — 555/);
  });

  it('the page speaks French to a French-speaking person', async () => {
    const { f, id, jar } = await fixture();
    await f.deps.users.setLang(id, 'fr');
    const page = await f.app.inject({ method: 'GET', url: PAGE, headers: { cookie: jar.header() } });
    expect(page.body).toContain('Où arrivent vos messages');
    expect(page.body).toContain('Envoyer un essai');
  });
});
