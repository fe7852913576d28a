// "Test connection" for the chat services' servers set in Settings: one cheap authenticated call
// each, never retried, and the same verdict as the platforms' test. Telegram's bot token travels
// in the address: the verdict carries none of the call's error text, and nothing here logs.
import type { Config } from '../../config/schema.ts';
import { call, isRecord, judge, trimUrl, type ConnectionVerdict } from '../../net/connection-verdict.ts';
import { chatServerPolicy } from './server-policy.ts';

export const CHAT_SERVERS = ['ntfy', 'telegram', 'matrix', 'signal'] as const;
export type ChatServer = (typeof CHAT_SERVERS)[number];

export function isChatServer(s: string): s is ChatServer {
  return (CHAT_SERVERS as readonly string[]).includes(s);
}

// An account name comes from the remote server: shown in the page, so kept short.
const MAX_DETAIL = 120;

/** A working verdict naming the account, when the server named one. */
function signedIn(verdict: ConnectionVerdict, who: unknown): ConnectionVerdict {
  if (!verdict.ok || typeof who !== 'string' || who === '') return verdict;
  return { ok: true, detail: who.slice(0, MAX_DETAIL) };
}

// What @BotFather hands out: digits, a colon, then letters, digits, - and _. Anything else cannot
// be a token and must not be spliced into a path.
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]+$/;

/** Asks the chat service's server whether the configured address and credentials work. */
export async function checkChatServer(
  kind: ChatServer,
  config: Readonly<Pick<Config, 'network' | 'notifications'>>,
): Promise<ConnectionVerdict> {
  const n = config.notifications;
  const network = chatServerPolicy(config);
  switch (kind) {
    case 'ntfy': {
      if (!n.ntfy.serverUrl) return { ok: false, reason: 'missing' };
      const base = trimUrl(n.ntfy.serverUrl);
      if (!n.ntfy.token) {
        // No token: an open server; its health endpoint says whether it is up.
        const answer = await call(`${base}/v1/health`, {}, network);
        return judge(answer, (b) => isRecord(b) && b.healthy === true);
      }
      const answer = await call(
        `${base}/v1/account`,
        { headers: { authorization: `Bearer ${n.ntfy.token}` } },
        network,
      );
      const verdict = judge(answer, (b) => isRecord(b) && typeof b.username === 'string');
      return signedIn(verdict, !('ok' in answer) && isRecord(answer.body) ? answer.body.username : undefined);
    }
    case 'telegram': {
      const token = n.telegram.botToken;
      if (!token || !n.telegram.apiUrl) return { ok: false, reason: 'missing' };
      // Telegram answers a malformed token with 404: the same verdict, without sending it anywhere.
      if (!TELEGRAM_TOKEN.test(token)) return { ok: false, reason: 'refused' };
      const answer = await call(`${trimUrl(n.telegram.apiUrl)}/bot${token}/getMe`, {}, network);
      if ('ok' in answer) return answer;
      // A token Telegram does not know: 401, or 404 for one it cannot parse, both in its own shape.
      if (answer.status === 404 && isRecord(answer.body) && answer.body.ok === false)
        return { ok: false, reason: 'refused', status: 404 };
      const result = isRecord(answer.body) ? answer.body.result : undefined;
      const verdict = judge(
        answer,
        (b) => isRecord(b) && b.ok === true && isRecord(result) && result.is_bot === true,
      );
      return signedIn(
        verdict,
        isRecord(result) && typeof result.username === 'string' ? `@${result.username}` : undefined,
      );
    }
    case 'matrix': {
      if (!n.matrix.homeserverUrl || !n.matrix.accessToken) return { ok: false, reason: 'missing' };
      // 401 M_UNKNOWN_TOKEN (or M_MISSING_TOKEN) is a refusal, as judge reads any 401.
      const answer = await call(
        `${trimUrl(n.matrix.homeserverUrl)}/_matrix/client/v3/account/whoami`,
        { headers: { authorization: `Bearer ${n.matrix.accessToken}` } },
        network,
      );
      const userId = !('ok' in answer) && isRecord(answer.body) ? answer.body.user_id : undefined;
      return signedIn(
        judge(answer, (b) => isRecord(b) && typeof b.user_id === 'string'),
        userId,
      );
    }
    case 'signal': {
      if (!n.signal.apiUrl || !n.signal.number) return { ok: false, reason: 'missing' };
      const base = trimUrl(n.signal.apiUrl);
      // The REST API has no credentials of its own: first, is it there at all?
      const about = judge(
        await call(`${base}/v1/about`, {}, network),
        (b) => isRecord(b) && Array.isArray(b.versions),
      );
      if (!about.ok) return about;
      // Then, does the signal-cli behind it hold the number alerts are sent from?
      const accounts = await call(`${base}/v1/accounts`, {}, network);
      const listed = judge(accounts, (b) => Array.isArray(b));
      if (!listed.ok) return listed;
      const numbers = !('ok' in accounts) && Array.isArray(accounts.body) ? accounts.body : [];
      return numbers.includes(n.signal.number) ? { ok: true } : { ok: false, reason: 'unregistered' };
    }
  }
}
