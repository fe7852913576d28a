// What every "Test connection" answers (the platforms' credentials, the chat services' servers):
// one cheap call, never retried, and a verdict the dashboard puts in plain words. The call keeps
// no error text: an address may carry a secret (Telegram's bot token is in its path), and the
// verdict only says which way the call failed.
import type { NetworkPolicy } from './address-policy.ts';
import { BlockedUrlError, safeFetch } from './safe-fetch.ts';

export type ConnectionVerdict =
  | {
      ok: true;
      /** Who the service says the credentials belong to (an account name), when it says. */
      detail?: string;
    }
  | {
      ok: false;
      /** missing: credentials not set; refused: the service said no (wrong credentials);
       *  blocked: the address is not allowed; unreachable: no answer; unexpected: an answer we cannot read;
       *  unregistered: a Signal server that answers but does not hold the configured number. */
      reason: 'missing' | 'refused' | 'blocked' | 'unreachable' | 'unexpected' | 'unregistered';
      status?: number;
    };

export type CallAnswer = { status: number; body: unknown } | ConnectionVerdict;

const TIMEOUT_MS = 15_000;

/** One request; the answer's status and its body as JSON (undefined when it is not JSON). */
export async function call(
  url: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  network: NetworkPolicy,
): Promise<CallAnswer> {
  try {
    const res = await safeFetch(url, { ...init, network, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = JSON.parse(text);
    } catch {
      // left undefined: judged by the caller
    }
    return { status: res.status, body };
  } catch (err) {
    return { ok: false, reason: err instanceof BlockedUrlError ? 'blocked' : 'unreachable' };
  }
}

/** 401/403 is a refusal; a 2xx whose body `accept` recognises works; anything else is unexpected. */
export function judge(answer: CallAnswer, accept: (body: unknown) => boolean): ConnectionVerdict {
  if ('ok' in answer) return answer;
  if (answer.status === 401 || answer.status === 403)
    return { ok: false, reason: 'refused', status: answer.status };
  if (answer.status >= 200 && answer.status < 300 && accept(answer.body)) return { ok: true };
  return { ok: false, reason: 'unexpected', status: answer.status };
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A base address without its trailing slashes, ready for a path to be added. */
export const trimUrl = (url: string) => url.replace(/\/+$/, '');
