import { resetFromHeaders } from './mastodon-adapter.ts';
import { HttpRefusedError, isRecord, requestJson, str } from '../social-http.ts';
import {
  checkCallContext,
  groupBy,
  warnUnclear,
  type DuePost,
  type PlatformCheckContext,
  type Verdict,
} from '../deletion-common.ts';

// Mastodon deletions, through `GET /api/v1/statuses/:id` (public statuses need no token).
//
// Which instance, which id: Vigie polls ONE instance (sources.mastodon.instance) and stores the
// status as that instance answered it (posts.raw). `raw.id` is that instance's own id for the
// status — for a status from another server, seen there through federation, it is a local id
// unrelated to the id on the author's home server (the one in `raw.uri`). So the polled instance
// is asked with `raw.id`; the sources table does not record the instance, so if the configured
// instance has changed since, the id means nothing there: a 200 answer for another status (its
// `uri` differs) is treated as unclear, never as a deletion.
//
// Only clear answers count:
// - 200 with the same `uri`: present.
// - 404 `{"error": …}` for a status of a LOCAL author (bare `acct`), and the author's account
//   still active (`GET /api/v1/accounts/:id`, not `suspended`): deleted. A suspended account's
//   statuses also answer 404: unclear.
// - 404 for a status from ANOTHER server proves little on the polled instance (the instance may
//   have purged its cached copy, or suspended the account or its whole domain): the author's home
//   server is then asked with the id from `raw.uri` (Mastodon's `/users/:name/statuses/:id`), and
//   only its own 404, with the author's account active there (`/api/v1/accounts/lookup`), counts.
// - 401/403 (instances refusing unauthenticated API calls), 429, 5xx, time-outs: unclear.
// Statuses that were not public (`private`, `direct`) answer 404 to an anonymous caller anyway:
// they are not checked. No token is sent: with one, a status whose author blocks the watcher's
// account answers 404 as well.

const ID = /^[0-9A-Za-z]{1,40}$/;
/** A status URI as Mastodon writes it: https://host/users/:name/statuses/:id */
const MASTODON_STATUS_URI = /^(https?):\/\/([^/]+)\/users\/([A-Za-z0-9_]{1,64})\/statuses\/([0-9]{1,40})$/;

export interface MastodonCheckContext extends PlatformCheckContext {
  /** The captured payload of each post, by post id. */
  raws: ReadonlyMap<number, string>;
}

interface Stored {
  id: string;
  uri: string;
  acct: string;
  accountId: string | null;
  visibility: string | null;
}

function parseStored(raw: string | undefined, uri: string): Stored | null {
  if (!raw) return null;
  let s: unknown;
  try {
    s = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(s) || !isRecord(s.account)) return null;
  const id = str(s.id);
  const acct = str(s.account.acct);
  if (!id || !ID.test(id) || !acct || str(s.uri) !== uri) return null;
  return { id, uri, acct, accountId: str(s.account.id), visibility: str(s.visibility) };
}

type StatusAnswer = 'present' | 'gone' | 'unclear' | 'rate-limited';
type AccountAnswer = 'active' | 'suspended' | 'unclear' | 'rate-limited';

/** Verdicts by post id; a post without one is unclear. */
export async function checkMastodonPosts(
  posts: readonly DuePost[],
  ctx: MastodonCheckContext,
): Promise<Map<number, Verdict>> {
  const polled = ctx.config.sources.mastodon.instance.replace(/\/+$/, '');
  const polledHost = new URL(polled).host;
  const call = checkCallContext(ctx, 'mastodon', resetFromHeaders);
  const verdicts = new Map<number, Verdict>();

  /** One GET; a 404 counts only with Mastodon's JSON error body (not a proxy's or a web server's page). */
  async function get(base: string, path: string, what: string): Promise<{ body: unknown } | 'gone' | Error> {
    try {
      // A home server named by a post's URI is not ours to trust: the network policy applies.
      const callHere = base === polled ? call : { ...call, network: ctx.config.network };
      return await requestJson({ url: `${base}${path}`, what }, callHere);
    } catch (err) {
      const mastodon404 =
        err instanceof HttpRefusedError &&
        err.status === 404 &&
        isRecord(err.body) &&
        typeof err.body.error === 'string';
      if (mastodon404) return 'gone';
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  async function statusAt(base: string, id: string, uri: string, remaining: number): Promise<StatusAnswer> {
    const what = `status ${id} on ${new URL(base).host}`;
    const a = await get(base, `/api/v1/statuses/${id}`, what);
    if (a === 'gone') return 'gone';
    if (a instanceof Error)
      return warnUnclear(ctx, 'mastodon', what, a, remaining).rateLimited ? 'rate-limited' : 'unclear';
    if (isRecord(a.body) && a.body.uri === uri) return 'present';
    ctx.log.warn(
      { platform: 'mastodon', what },
      'deletion check: the id answers another status (was sources.mastodon.instance changed?); left unclear',
    );
    return 'unclear';
  }

  /** `acct`: the account must be this one (an id on another instance is someone else). */
  async function accountAt(base: string, path: string, acct: string): Promise<AccountAnswer> {
    const what = `author account on ${new URL(base).host}`;
    const a = await get(base, path, what);
    if (a === 'gone') return 'unclear';
    if (a instanceof Error)
      return warnUnclear(ctx, 'mastodon', what, a, 1).rateLimited ? 'rate-limited' : 'unclear';
    if (!isRecord(a.body) || typeof a.body.id !== 'string' || a.body.acct !== acct) return 'unclear';
    return a.body.suspended === true ? 'suspended' : 'active';
  }

  const groups = [...groupBy(posts, (p) => p.externalId).values()];
  let skipped = 0;
  for (let i = 0; i < groups.length; i++) {
    if (ctx.signal.aborted) break;
    const group = groups[i]!;
    const stored = group.map((p) => parseStored(ctx.raws.get(p.postId), p.externalId)).find((s) => s);
    if (!stored || stored.visibility === 'private' || stored.visibility === 'direct') {
      skipped += group.length;
      continue;
    }
    const set = (v: Verdict) => group.forEach((p) => verdicts.set(p.postId, v));

    const here = await statusAt(polled, stored.id, stored.uri, groups.length - i);
    if (here === 'rate-limited') break;
    if (here === 'present') set({ kind: 'present' });
    if (here !== 'gone') continue;

    if (!stored.acct.includes('@')) {
      // A local author: the polled instance is the status's home.
      if (!stored.accountId) continue;
      const account = await accountAt(
        polled,
        `/api/v1/accounts/${encodeURIComponent(stored.accountId)}`,
        stored.acct,
      );
      if (account === 'rate-limited') break;
      if (account === 'suspended')
        ctx.log.info(
          { platform: 'mastodon', what: `status ${stored.id}` },
          "deletion check: the status's author is suspended; left unclear",
        );
      if (account === 'active')
        set({
          kind: 'deleted',
          detail: `status ${stored.id} answers 404 on ${polledHost}; its author's account is active`,
        });
      continue;
    }

    // A remote author: ask the home server, with the id of its own URI.
    const home = MASTODON_STATUS_URI.exec(stored.uri);
    if (!home) {
      skipped += group.length;
      continue;
    }
    const [, scheme, homeHost, username, homeId] = home as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const homeBase = `${scheme}://${homeHost}`;
    const there = await statusAt(homeBase, homeId, stored.uri, 1);
    if (there === 'present') set({ kind: 'present' });
    if (there !== 'gone') continue;
    const account = await accountAt(
      homeBase,
      `/api/v1/accounts/lookup?${new URLSearchParams({ acct: username })}`,
      username,
    );
    if (account === 'active')
      set({
        kind: 'deleted',
        detail: `status answers 404 on ${polledHost} and on its home server ${homeHost} (id ${homeId}); its author's account is active`,
      });
  }
  if (skipped > 0)
    ctx.log.info(
      { platform: 'mastodon', posts: skipped },
      'deletion check: mastodon posts not checkable anonymously (not public, or no usable id) left unclear',
    );
  return verdicts;
}
