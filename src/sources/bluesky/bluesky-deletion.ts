import { resetFromHeaders } from './bluesky-adapter.ts';
import { HttpRefusedError, isRecord, requestJson, str } from '../social-http.ts';
import {
  checkCallContext,
  groupBy,
  warnUnclear,
  type DuePost,
  type PlatformCheckContext,
  type Verdict,
} from '../deletion-common.ts';

// Bluesky deletions, through `app.bsky.feed.getPosts` on the public AppView: bsky.app is a
// single-page app answering 200 for any post, so its web URL proves nothing.
//
// The AppView is asked WITHOUT a session on purpose: with a viewer, getPosts drops the posts of
// authors who block the viewer (its `noBlocks` rule), and a harasser blocking Vigie's account
// would then look like a deletion. Without a viewer, a post is missing from a 200 answer when it
// was deleted, taken down, or when its author's account is deleted, deactivated or taken down.
// Each of these is recorded as deleted upstream with the detail "absent from getPosts"; the
// author's profile (`app.bsky.actor.getProfile`, which does say AccountDeactivated /
// AccountTakedown / "Profile not found") then tells which case it was, when it can be asked.

/** getPosts takes at most 25 URIs (lexicon `maxLength: 25`). */
export const GETPOSTS_BATCH = 25;
/** Profiles asked per run to explain absent posts; the rest keep the bare detail. */
const MAX_PROFILE_LOOKUPS = 25;

const POST_URI =
  /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]{1,2048})\/app\.bsky\.feed\.post\/[A-Za-z0-9._~:-]{1,512}$/;

export interface BlueskyCheckContext extends PlatformCheckContext {
  /** The AppView's base URL (sources.bluesky.appViewUrl: the public AppView by default). */
  appViewUrl: string;
}

/** Verdicts by post id; a post without one is unclear. */
export async function checkBlueskyPosts(
  posts: readonly DuePost[],
  ctx: BlueskyCheckContext,
): Promise<Map<number, Verdict>> {
  const base = ctx.appViewUrl.replace(/\/+$/, '');
  const call = checkCallContext(ctx, 'bluesky', resetFromHeaders);
  const verdicts = new Map<number, Verdict>();
  // Posts are stored with their at:// URI as external id (bluesky-adapter.ts postViewToRaw).
  const checkable = posts.filter((p) => POST_URI.test(p.externalId));
  if (checkable.length < posts.length)
    ctx.log.warn(
      { platform: 'bluesky', posts: posts.length - checkable.length },
      'deletion check: bluesky posts without an at:// post URI cannot be checked',
    );
  const byUri = groupBy(checkable, (p) => p.externalId);
  const uris = [...byUri.keys()];
  const absent: string[] = [];
  const batches = Math.ceil(uris.length / GETPOSTS_BATCH);
  for (let b = 0; b < batches; b++) {
    if (ctx.signal.aborted) break;
    const chunk = uris.slice(b * GETPOSTS_BATCH, (b + 1) * GETPOSTS_BATCH);
    const params = new URLSearchParams();
    for (const uri of chunk) params.append('uris', uri);
    const what = `getPosts batch ${b + 1}/${batches}`;
    let returned: Set<string>;
    try {
      const answer = await requestJson({ url: `${base}/xrpc/app.bsky.feed.getPosts?${params}`, what }, call);
      const body = answer.body;
      if (!isRecord(body) || !Array.isArray(body.posts))
        throw new Error(`malformed answer for ${what}: no posts array`);
      returned = new Set(body.posts.flatMap((p) => (isRecord(p) && str(p.uri) ? [str(p.uri)!] : [])));
    } catch (err) {
      // Whatever the failure, the remaining batches wait for the next run with this one.
      warnUnclear(ctx, 'bluesky', what, err, uris.length - b * GETPOSTS_BATCH);
      break;
    }
    for (const uri of chunk) {
      if (returned.has(uri)) for (const p of byUri.get(uri)!) verdicts.set(p.postId, { kind: 'present' });
      else absent.push(uri);
    }
  }
  if (absent.length === 0) return verdicts;

  const accounts = await accountStates([...new Set(absent.map((uri) => POST_URI.exec(uri)![1]!))], base, ctx);
  for (const uri of absent) {
    const state = accounts.get(POST_URI.exec(uri)![1]!);
    const detail = state ? `absent from getPosts (${state})` : 'absent from getPosts';
    for (const p of byUri.get(uri)!) verdicts.set(p.postId, { kind: 'deleted', detail });
  }
  return verdicts;
}

/** What getProfile says of each author, in words; authors it could not be asked about are missing. */
async function accountStates(
  dids: readonly string[],
  base: string,
  ctx: BlueskyCheckContext,
): Promise<Map<string, string>> {
  const call = checkCallContext(ctx, 'bluesky', resetFromHeaders);
  const out = new Map<string, string>();
  for (const did of dids.slice(0, MAX_PROFILE_LOOKUPS)) {
    if (ctx.signal.aborted) break;
    const what = 'getProfile of an author';
    try {
      const answer = await requestJson(
        { url: `${base}/xrpc/app.bsky.actor.getProfile?${new URLSearchParams({ actor: did })}`, what },
        call,
      );
      if (isRecord(answer.body) && answer.body.did === did) out.set(did, "the author's account is active");
    } catch (err) {
      // XRPC errors: HTTP 400 with {error, message}.
      const body = err instanceof HttpRefusedError && isRecord(err.body) ? err.body : undefined;
      if (body?.error === 'AccountDeactivated') out.set(did, "the author's account is deactivated");
      else if (body?.error === 'AccountTakedown')
        out.set(did, "the author's account is taken down by the service");
      else if (typeof body?.message === 'string' && /profile not found/i.test(body.message))
        out.set(did, "the author's account does not exist any more");
      else if (warnUnclear(ctx, 'bluesky', what, err, 0).rateLimited) break;
    }
  }
  return out;
}
