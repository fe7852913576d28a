import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { checkChatServer, type ChatServer } from '../../src/alerts/channels/server-check.ts';
import type { ChatFake } from '../fakes/chat-fake.ts';
import { startFakeNtfy, type FakeNtfy } from '../fakes/ntfy.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.ts';
import { startFakeMatrix, type FakeMatrix } from '../fakes/matrix.ts';
import { startFakeSignal, type FakeSignal } from '../fakes/signal-rest.ts';

const NTFY_TOKEN = 'tk_ntfy-check-3c4d5e';
const BOT = '7001:AAH-check_token_Zq9';
const MATRIX_TOKEN = 'syt_check_token_81x';
const SIGNAL_NUMBER = '+33612345678';
// Nothing listens on the discard port of this machine.
const DOWN = 'http://127.0.0.1:9';

/** The servers' settings as the file or the dashboard give them; the fakes are on 127.0.0.1. */
const config = (notifications: Record<string, unknown>, allowPrivateServers = true) =>
  parseConfig({
    network: { allowPrivateAddresses: false },
    notifications: { allowPrivateServers, ...notifications },
  });

/** Runs one check and returns its verdict with the requests it made. */
async function checked(
  fake: ChatFake,
  kind: ChatServer,
  notifications: Record<string, unknown>,
  allow = true,
) {
  const before = fake.requests.length;
  const verdict = await checkChatServer(kind, config(notifications, allow));
  return { verdict, requests: fake.requests.slice(before) };
}

describe('testing the chat servers set in Settings', { timeout: 30_000 }, () => {
  let openNtfy: FakeNtfy;
  let ntfy: FakeNtfy;
  let telegram: FakeTelegram;
  let matrix: FakeMatrix;
  let signal: FakeSignal;

  beforeAll(async () => {
    openNtfy = await startFakeNtfy();
    ntfy = await startFakeNtfy({ token: NTFY_TOKEN, username: 'vigie-relay' });
    telegram = await startFakeTelegram(BOT, ['555']);
    matrix = await startFakeMatrix(MATRIX_TOKEN, [], '@vigie:matrix.example.org');
    signal = await startFakeSignal(SIGNAL_NUMBER);
  });

  afterAll(async () => {
    for (const f of [openNtfy, ntfy, telegram, matrix, signal]) await f?.close();
  });

  describe('ntfy', () => {
    it('asks an open server whether it is healthy, in one request', async () => {
      const { verdict, requests } = await checked(openNtfy, 'ntfy', { ntfy: { serverUrl: openNtfy.url } });
      expect(verdict).toEqual({ ok: true });
      expect(requests.map((r) => [r.method, r.path])).toEqual([['GET', '/v1/health']]);
      expect(openNtfy.messages).toHaveLength(0);
    });

    it('with a token, asks for its account and names it', async () => {
      const { verdict, requests } = await checked(ntfy, 'ntfy', {
        ntfy: { serverUrl: `${ntfy.url}/`, token: NTFY_TOKEN },
      });
      expect(verdict).toEqual({ ok: true, detail: 'vigie-relay' });
      expect(requests).toHaveLength(1);
      expect(requests[0]!.path).toBe('/v1/account');
      expect(requests[0]!.headers.authorization).toBe(`Bearer ${NTFY_TOKEN}`);
    });

    it('a wrong token is refused, without a retry', async () => {
      const { verdict, requests } = await checked(ntfy, 'ntfy', {
        ntfy: { serverUrl: ntfy.url, token: 'tk_wrong' },
      });
      expect(verdict).toEqual({ ok: false, reason: 'refused', status: 401 });
      expect(requests).toHaveLength(1);
    });

    it('a server that does not answer is unreachable; a private one, when not allowed, blocked', async () => {
      expect(await checkChatServer('ntfy', config({ ntfy: { serverUrl: DOWN } }))).toEqual({
        ok: false,
        reason: 'unreachable',
      });
      const { verdict, requests } = await checked(
        ntfy,
        'ntfy',
        { ntfy: { serverUrl: ntfy.url, token: NTFY_TOKEN } },
        false,
      );
      expect(verdict).toEqual({ ok: false, reason: 'blocked' });
      expect(requests).toHaveLength(0);
    });

    it('an unhealthy or foreign answer is unexpected', async () => {
      openNtfy.next({ answer: { status: 200, body: { healthy: false } } });
      expect(await checkChatServer('ntfy', config({ ntfy: { serverUrl: openNtfy.url } }))).toEqual({
        ok: false,
        reason: 'unexpected',
        status: 200,
      });
    });
  });

  describe('Telegram', () => {
    it('asks getMe and names the bot', async () => {
      const { verdict, requests } = await checked(telegram, 'telegram', {
        telegram: { apiUrl: telegram.url, botToken: BOT },
      });
      expect(verdict).toEqual({ ok: true, detail: '@vigie_alerts_bot' });
      expect(requests.map((r) => [r.method, r.path])).toEqual([['GET', `/bot${BOT}/getMe`]]);
      expect(telegram.messages).toHaveLength(0);
    });

    it('a token Telegram does not know is refused (401), and so is one it cannot parse (404)', async () => {
      const wrong = '7001:AAH-not_the_token';
      const unknown = await checked(telegram, 'telegram', {
        telegram: { apiUrl: telegram.url, botToken: wrong },
      });
      expect(unknown.verdict).toEqual({ ok: false, reason: 'refused', status: 401 });
      expect(unknown.requests).toHaveLength(1);
      // Without the bot's id it cannot be a token: refused as Telegram would (404), without a request.
      const unparsed = await checked(telegram, 'telegram', {
        telegram: { apiUrl: telegram.url, botToken: 'AAH-no-bot-id' },
      });
      expect(unparsed.verdict).toEqual({ ok: false, reason: 'refused' });
      expect(unparsed.requests).toHaveLength(0);
      // Telegram's own 404 for a token it cannot parse.
      telegram.next({
        answer: { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } },
      });
      expect(
        await checkChatServer('telegram', config({ telegram: { apiUrl: telegram.url, botToken: BOT } })),
      ).toEqual({ ok: false, reason: 'refused', status: 404 });
      // A token that would change the address is not sent at all.
      const spliced = await checked(telegram, 'telegram', {
        telegram: { apiUrl: telegram.url, botToken: '7001:x/../../admin?' },
      });
      expect(spliced.verdict).toEqual({ ok: false, reason: 'refused' });
      expect(spliced.requests).toHaveLength(0);
    });

    it('no token is missing; no answer is unreachable; a private API address, when not allowed, blocked', async () => {
      expect(await checkChatServer('telegram', config({ telegram: { apiUrl: telegram.url } }))).toEqual({
        ok: false,
        reason: 'missing',
      });
      const down = await checkChatServer('telegram', config({ telegram: { apiUrl: DOWN, botToken: BOT } }));
      expect(down).toEqual({ ok: false, reason: 'unreachable' });
      const blocked = await checked(
        telegram,
        'telegram',
        { telegram: { apiUrl: telegram.url, botToken: BOT } },
        false,
      );
      expect(blocked.verdict).toEqual({ ok: false, reason: 'blocked' });
      expect(blocked.requests).toHaveLength(0);
      // The verdicts carry no part of the address, so never the token in it.
      for (const v of [down, blocked.verdict]) expect(JSON.stringify(v)).not.toContain(BOT);
    });

    it('an answer that is not a bot is unexpected', async () => {
      telegram.next({
        answer: { status: 200, body: { ok: true, result: { id: 1, is_bot: false, first_name: 'A' } } },
      });
      expect(
        await checkChatServer('telegram', config({ telegram: { apiUrl: telegram.url, botToken: BOT } })),
      ).toEqual({ ok: false, reason: 'unexpected', status: 200 });
    });
  });

  describe('Matrix', () => {
    it('asks whoami and shows the user id', async () => {
      const { verdict, requests } = await checked(matrix, 'matrix', {
        matrix: { homeserverUrl: matrix.url, accessToken: MATRIX_TOKEN },
      });
      expect(verdict).toEqual({ ok: true, detail: '@vigie:matrix.example.org' });
      expect(requests.map((r) => [r.method, r.path])).toEqual([['GET', '/_matrix/client/v3/account/whoami']]);
      expect(requests[0]!.headers.authorization).toBe(`Bearer ${MATRIX_TOKEN}`);
    });

    it('M_UNKNOWN_TOKEN is refused; no token or no homeserver is missing', async () => {
      const { verdict, requests } = await checked(matrix, 'matrix', {
        matrix: { homeserverUrl: matrix.url, accessToken: 'syt_wrong' },
      });
      expect(verdict).toEqual({ ok: false, reason: 'refused', status: 401 });
      expect(requests).toHaveLength(1);
      expect(await checkChatServer('matrix', config({ matrix: { homeserverUrl: matrix.url } }))).toEqual({
        ok: false,
        reason: 'missing',
      });
      expect(await checkChatServer('matrix', config({ matrix: { accessToken: MATRIX_TOKEN } }))).toEqual({
        ok: false,
        reason: 'missing',
      });
    });

    it('a homeserver that does not answer is unreachable; a private one, when not allowed, blocked', async () => {
      expect(
        await checkChatServer(
          'matrix',
          config({ matrix: { homeserverUrl: DOWN, accessToken: MATRIX_TOKEN } }),
        ),
      ).toEqual({ ok: false, reason: 'unreachable' });
      const { verdict, requests } = await checked(
        matrix,
        'matrix',
        { matrix: { homeserverUrl: matrix.url, accessToken: MATRIX_TOKEN } },
        false,
      );
      expect(verdict).toEqual({ ok: false, reason: 'blocked' });
      expect(requests).toHaveLength(0);
    });
  });

  describe('Signal', () => {
    it('asks the REST API about itself, then whether the number is registered on it', async () => {
      const { verdict, requests } = await checked(signal, 'signal', {
        signal: { apiUrl: signal.url, number: SIGNAL_NUMBER },
      });
      expect(verdict).toEqual({ ok: true });
      expect(requests.map((r) => [r.method, r.path])).toEqual([
        ['GET', '/v1/about'],
        ['GET', '/v1/accounts'],
      ]);
      expect(signal.messages).toHaveLength(0);
    });

    it('a number the signal-cli server does not hold is said so', async () => {
      const { verdict } = await checked(signal, 'signal', {
        signal: { apiUrl: signal.url, number: '+33700000000' },
      });
      expect(verdict).toEqual({ ok: false, reason: 'unregistered' });
    });

    it('no number or no address is missing; no answer is unreachable; a private one, when not allowed, blocked', async () => {
      expect(await checkChatServer('signal', config({ signal: { apiUrl: signal.url } }))).toEqual({
        ok: false,
        reason: 'missing',
      });
      expect(await checkChatServer('signal', config({ signal: { number: SIGNAL_NUMBER } }))).toEqual({
        ok: false,
        reason: 'missing',
      });
      expect(
        await checkChatServer('signal', config({ signal: { apiUrl: DOWN, number: SIGNAL_NUMBER } })),
      ).toEqual({ ok: false, reason: 'unreachable' });
      const { verdict, requests } = await checked(
        signal,
        'signal',
        { signal: { apiUrl: signal.url, number: SIGNAL_NUMBER } },
        false,
      );
      expect(verdict).toEqual({ ok: false, reason: 'blocked' });
      expect(requests).toHaveLength(0);
    });

    it('a server that is not a signal-cli REST API is unexpected', async () => {
      signal.next({ answer: { status: 200, body: '<html>router login</html>' } });
      expect(
        await checkChatServer('signal', config({ signal: { apiUrl: signal.url, number: SIGNAL_NUMBER } })),
      ).toEqual({ ok: false, reason: 'unexpected', status: 200 });
    });
  });
});
