// Mastodon on one configured instance: public hashtag timelines, and (with a user token holding
// read:search) status search; account search for look-alikes. Content is HTML, turned into text.
// Cursor: the highest status id seen, sent back as `min_id` (ids sort by length, then text).
import type { Config } from '../../config/schema.ts';
import type { AccountSearcher, FoundAccount } from '../source.ts';
import { htmlToText } from '../html-text.ts';
import {
  SourceError,
  finalPage,
  type PollContext,
  type PollPage,
  type RawPost,
  type SourceAdapter,
} from '../source.ts';
import { epochMs, isRecord, requestJson, str, type CallContext } from '../social-http.ts';

export type MastodonConfig = Config['sources']['mastodon'];

const PAGE_SIZE = 40;
const ID = /^[0-9A-Za-z]{1,40}$/;

/** Mastodon's X-RateLimit-Reset is an ISO 8601 time. */
export function resetFromHeaders(h: Headers): number | undefined {
  const v = h.get('x-ratelimit-reset');
  const t = v ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** Snowflake ids: a longer id is newer; equal lengths compare as text. */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function instanceHost(instance: string): string {
  return new URL(instance).host;
}

/** A Status as a RawPost; null when the item lacks what we need. */
export function statusToRaw(s: unknown, host: string): RawPost | null {
  if (!isRecord(s) || !isRecord(s.account)) return null;
  const shown = isRecord(s.reblog) ? s.reblog : s;
  const account = isRecord(shown.account) ? shown.account : s.account;
  const uri = str(s.uri);
  const id = str(s.id);
  const acct = str(account.acct);
  if (!uri || !id || !acct || typeof shown.content !== 'string') return null;
  // Local accounts have a bare acct: made global so the same author seen from two instances is one.
  const fullAcct = acct.includes('@') ? acct : `${acct}@${host}`;
  const spoiler = typeof shown.spoiler_text === 'string' ? shown.spoiler_text : '';
  return {
    platform: 'mastodon',
    externalId: uri,
    url: str(s.url) ?? uri,
    author: { externalId: fullAcct, handle: fullAcct, name: str(account.display_name) },
    text: [spoiler, htmlToText(shown.content)].filter((t) => t !== '').join('\n'),
    lang: str(shown.language),
    createdAt: epochMs(s.created_at),
    raw: JSON.stringify(s),
  };
}

export interface MastodonTuning {
  backoffMs?: number;
}

export function createMastodonAdapters(
  config: MastodonConfig,
  tuning: MastodonTuning = {},
): { tag: SourceAdapter; search: SourceAdapter; accounts: AccountSearcher } {
  const base = config.instance.replace(/\/+$/, '');
  const host = instanceHost(config.instance);
  const callCtx = (signal: AbortSignal, log?: PollContext['log']): CallContext => ({
    knobs: config,
    signal,
    log,
    source: 'mastodon',
    secrets: [config.accessToken],
    backoffMs: tuning.backoffMs,
    resetFromHeaders,
  });
  const auth = (): Record<string, string> => {
    if (!config.accessToken)
      throw new SourceError(
        'Mastodon search needs a user token: set sources.mastodon.accessToken (scope read:search)',
        false,
      );
    return { authorization: `Bearer ${config.accessToken}` };
  };

  /** Reads newer-than-cursor statuses page by page (min_id), or the newest pages on a first poll (max_id). */
  async function* pollStatuses(
    ctx: PollContext,
    what: string,
    fetchPage: (p: URLSearchParams) => Promise<unknown[]>,
  ): AsyncGenerator<PollPage> {
    const warnings: string[] = [];
    const cursor = ctx.source.cursor && ID.test(ctx.source.cursor) ? ctx.source.cursor : undefined;
    if (ctx.source.cursor && !cursor)
      warnings.push(`ignored an invalid cursor "${ctx.source.cursor.slice(0, 40)}"`);
    let newest = cursor;
    let minId = cursor;
    let maxId: string | undefined;
    for (let page = 1; ; page++) {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (minId) params.set('min_id', minId);
      if (maxId) params.set('max_id', maxId);
      const items = await fetchPage(params);
      const posts: RawPost[] = [];
      let pageMax: string | undefined;
      let pageMin: string | undefined;
      items.forEach((item, i) => {
        const post = statusToRaw(item, host);
        const id = isRecord(item) ? str(item.id) : null;
        if (!post || !id || !ID.test(id))
          return void warnings.push(`${what} page ${page}: item ${i + 1} skipped (malformed status)`);
        posts.push(post);
        if (!pageMax || compareIds(id, pageMax) > 0) pageMax = id;
        if (!pageMin || compareIds(id, pageMin) < 0) pageMin = id;
      });
      if (pageMax && (!newest || compareIds(pageMax, newest) > 0)) newest = pageMax;
      const full = items.length >= PAGE_SIZE;
      const last = !full || !pageMax || page >= config.maxPages;
      if (last) {
        if (full && page >= config.maxPages)
          warnings.push(`stopped after ${page} pages: the rest is left for the next poll`);
        ctx.log.info({ what, pages: page }, 'mastodon: poll complete');
        yield finalPage(posts, newest ?? null, warnings);
        return;
      }
      yield { posts };
      // With a cursor: walk forward from it. Without: walk back from the newest.
      if (cursor) minId = pageMax;
      else maxId = pageMin;
    }
  }

  const tag: SourceAdapter = {
    kind: 'mastodon_tag',
    poll(ctx) {
      const hashtag = ctx.source.target.replace(/^#/, '');
      if (!/^[\p{L}\p{N}_]{1,100}$/u.test(hashtag))
        throw new SourceError(`"${hashtag.slice(0, 40)}" is not a hashtag`, false);
      return pollStatuses(ctx, `#${hashtag}`, async (params) => {
        const what = `hashtag #${hashtag}`;
        const a = await requestJson(
          { url: `${base}/api/v1/timelines/tag/${encodeURIComponent(hashtag)}?${params}`, what },
          callCtx(ctx.signal, ctx.log),
        );
        if (!Array.isArray(a.body))
          throw new SourceError(
            `mastodon: malformed answer for ${what}: expected an array of statuses`,
            true,
          );
        return a.body;
      });
    },
  };

  const search: SourceAdapter = {
    kind: 'mastodon_search',
    poll(ctx) {
      const q = ctx.source.target;
      const headers = auth();
      return pollStatuses(ctx, `search "${q.slice(0, 60)}"`, async (params) => {
        const what = `search "${q.slice(0, 60)}"`;
        params.set('q', q);
        params.set('type', 'statuses');
        params.set('resolve', 'false');
        const a = await requestJson(
          { url: `${base}/api/v2/search?${params}`, what, headers },
          callCtx(ctx.signal, ctx.log),
        );
        if (!isRecord(a.body) || !Array.isArray(a.body.statuses))
          throw new SourceError(`mastodon: malformed answer for ${what}: no statuses array`, true);
        return a.body.statuses;
      });
    },
  };

  const accounts: AccountSearcher = {
    platform: 'mastodon',
    async searchAccounts(q, signal): Promise<FoundAccount[]> {
      const what = `account search "${q.slice(0, 60)}"`;
      const params = new URLSearchParams({ q, type: 'accounts', limit: String(PAGE_SIZE), resolve: 'false' });
      const a = await requestJson(
        { url: `${base}/api/v2/search?${params}`, what, headers: auth() },
        callCtx(signal),
      );
      if (!isRecord(a.body) || !Array.isArray(a.body.accounts))
        throw new SourceError(`mastodon: malformed answer for ${what}: no accounts array`, true);
      return a.body.accounts.flatMap((acc) => {
        if (!isRecord(acc)) return [];
        const acct = str(acc.acct);
        if (!acct) return [];
        const full = acct.includes('@') ? acct : `${acct}@${host}`;
        return [{ id: full, handle: full, name: str(acc.display_name) }];
      });
    },
  };

  return { tag, search, accounts };
}
