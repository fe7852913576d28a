// "Test connection" for each platform's credentials: one cheap authenticated call, and a verdict
// the dashboard can put in plain words. Never retried, never logged with the secret.
import type { Config } from '../config/schema.ts';
import type { NetworkPolicy } from '../net/address-policy.ts';
import { BlockedUrlError, safeFetch } from '../net/safe-fetch.ts';

export type ConnectionVerdict =
  | { ok: true; detail?: string }
  | {
      ok: false;
      /** missing: credentials not set; refused: the platform said no (wrong credentials);
       *  blocked: the address is not allowed; unreachable: no answer; unexpected: an answer we cannot read. */
      reason: 'missing' | 'refused' | 'blocked' | 'unreachable' | 'unexpected';
      status?: number;
    };

export const CHECKABLE_SOURCES = ['x', 'bluesky', 'mastodon', 'reddit'] as const;
export type CheckableSource = (typeof CHECKABLE_SOURCES)[number];

const TIMEOUT_MS = 15_000;

async function call(
  url: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  network: NetworkPolicy,
): Promise<{ status: number; body: unknown } | ConnectionVerdict> {
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

function judge(
  answer: { status: number; body: unknown } | ConnectionVerdict,
  accept: (body: unknown) => boolean,
): ConnectionVerdict {
  if ('ok' in answer) return answer;
  if (answer.status === 401 || answer.status === 403)
    return { ok: false, reason: 'refused', status: answer.status };
  if (answer.status >= 200 && answer.status < 300 && accept(answer.body)) return { ok: true };
  return { ok: false, reason: 'unexpected', status: answer.status };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const trim = (url: string) => url.replace(/\/+$/, '');

/** Asks the platform whether the configured credentials work. */
export async function checkSourceConnection(
  source: CheckableSource,
  config: Readonly<Config>,
): Promise<ConnectionVerdict> {
  const s = config.sources;
  // Base URLs may come from the dashboard: the network policy applies to them.
  const network = config.network;
  switch (source) {
    case 'x': {
      if (!s.x.bearerToken) return { ok: false, reason: 'missing' };
      // Looking up one post by id is the cheapest call an app-only token may make.
      const answer = await call(
        `${trim(s.x.baseUrl)}/2/tweets?ids=20`,
        { headers: { authorization: `Bearer ${s.x.bearerToken}` } },
        network,
      );
      return judge(answer, (b) => isRecord(b) && ('data' in b || 'errors' in b));
    }
    case 'bluesky': {
      if (!s.bluesky.identifier || !s.bluesky.appPassword) return { ok: false, reason: 'missing' };
      const answer = await call(
        `${trim(s.bluesky.service)}/xrpc/com.atproto.server.createSession`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: s.bluesky.identifier, password: s.bluesky.appPassword }),
        },
        network,
      );
      // Bluesky answers a wrong password with 401 AuthenticationRequired, sometimes 400.
      if (!('ok' in answer) && answer.status === 400) return { ok: false, reason: 'refused', status: 400 };
      return judge(answer, (b) => isRecord(b) && typeof b.accessJwt === 'string');
    }
    case 'mastodon': {
      if (!s.mastodon.accessToken) return { ok: false, reason: 'missing' };
      const answer = await call(
        `${trim(s.mastodon.instance)}/api/v1/accounts/verify_credentials`,
        { headers: { authorization: `Bearer ${s.mastodon.accessToken}` } },
        network,
      );
      return judge(answer, (b) => isRecord(b) && typeof b.id === 'string');
    }
    case 'reddit': {
      if (!s.reddit.clientId || !s.reddit.clientSecret) return { ok: false, reason: 'missing' };
      const basic = Buffer.from(`${s.reddit.clientId}:${s.reddit.clientSecret}`).toString('base64');
      const answer = await call(
        `${trim(s.reddit.authUrl)}/api/v1/access_token`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': s.reddit.userAgent,
          },
          body: 'grant_type=client_credentials',
        },
        network,
      );
      return judge(answer, (b) => isRecord(b) && typeof b.access_token === 'string');
    }
  }
}
