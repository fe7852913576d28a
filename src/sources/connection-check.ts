// "Test connection" for each platform's credentials: one cheap authenticated call, and a verdict
// the dashboard can put in plain words. Never retried, never logged with the secret.
import type { Config } from '../config/schema.ts';
import { call, isRecord, judge, trimUrl, type ConnectionVerdict } from '../net/connection-verdict.ts';

export const CHECKABLE_SOURCES = ['x', 'bluesky', 'mastodon', 'reddit'] as const;
export type CheckableSource = (typeof CHECKABLE_SOURCES)[number];

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
        `${trimUrl(s.x.baseUrl)}/2/tweets?ids=20`,
        { headers: { authorization: `Bearer ${s.x.bearerToken}` } },
        network,
      );
      return judge(answer, (b) => isRecord(b) && ('data' in b || 'errors' in b));
    }
    case 'bluesky': {
      if (!s.bluesky.identifier || !s.bluesky.appPassword) return { ok: false, reason: 'missing' };
      const answer = await call(
        `${trimUrl(s.bluesky.service)}/xrpc/com.atproto.server.createSession`,
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
        `${trimUrl(s.mastodon.instance)}/api/v1/accounts/verify_credentials`,
        { headers: { authorization: `Bearer ${s.mastodon.accessToken}` } },
        network,
      );
      return judge(answer, (b) => isRecord(b) && typeof b.id === 'string');
    }
    case 'reddit': {
      if (!s.reddit.clientId || !s.reddit.clientSecret) return { ok: false, reason: 'missing' };
      const basic = Buffer.from(`${s.reddit.clientId}:${s.reddit.clientSecret}`).toString('base64');
      const answer = await call(
        `${trimUrl(s.reddit.authUrl)}/api/v1/access_token`,
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
