// Hacker News through Algolia's search_by_date, newest first. Only the first 1000 hits of a
// query are reachable by page number, so pages are walked by narrowing the time window instead:
// each next request asks for items up to the oldest one just read. Cursor: the newest
// `created_at_i` seen (seconds); polls re-read a safety margin before it (late indexing).
import type { Config } from '../config/schema.ts';
import { htmlToText } from './html-text.ts';
import {
  SourceError,
  finalPage,
  type PollContext,
  type PollPage,
  type RawPost,
  type SourceAdapter,
} from './source.ts';
import { isRecord, requestJson, str, type CallContext } from './social-http.ts';

export type HackernewsConfig = Config['sources']['hackernews'];

const HITS_PER_PAGE = 100;
/** Algolia indexes items a little after they are posted: re-read this far behind the cursor. */
export const HN_OVERLAP_SECONDS = 600;

export interface HackernewsTuning {
  backoffMs?: number;
}

export function hitToRaw(hit: unknown): RawPost | null {
  if (!isRecord(hit)) return null;
  const id = str(hit.objectID);
  const created = typeof hit.created_at_i === 'number' ? hit.created_at_i : null;
  if (!id || !/^\d+$/.test(id) || created === null) return null;
  const author = str(hit.author);
  const html = str(hit.comment_text) ?? str(hit.story_text);
  const title = str(hit.title) ?? (str(hit.comment_text) ? null : str(hit.story_title));
  const text = [title, html ? htmlToText(html) : null, str(hit.url)]
    .filter((t): t is string => !!t)
    .join('\n');
  return {
    platform: 'hackernews',
    externalId: id,
    url: `https://news.ycombinator.com/item?id=${id}`,
    author: author ? { externalId: author, handle: author, name: null } : null,
    text,
    lang: null,
    createdAt: created * 1000,
    raw: JSON.stringify(hit),
  };
}

export function createHackernewsAdapter(
  config: HackernewsConfig,
  tuning: HackernewsTuning = {},
): SourceAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const callCtx = (signal: AbortSignal, log?: PollContext['log']): CallContext => ({
    knobs: config,
    signal,
    log,
    source: 'hackernews',
    backoffMs: tuning.backoffMs,
  });

  return {
    kind: 'hackernews_search',
    async *poll(ctx: PollContext): AsyncIterable<PollPage> {
      const q = ctx.source.target;
      const warnings: string[] = [];
      const cursor =
        ctx.source.cursor && /^\d{1,12}$/.test(ctx.source.cursor) ? Number(ctx.source.cursor) : undefined;
      if (ctx.source.cursor && cursor === undefined)
        warnings.push(`ignored an invalid cursor "${ctx.source.cursor.slice(0, 40)}"`);
      const lower = cursor !== undefined ? cursor - HN_OVERLAP_SECONDS : undefined;
      let newest = cursor;
      let upper: number | undefined;
      const seen = new Set<string>();
      for (let page = 1; ; page++) {
        const filters = [
          lower !== undefined ? `created_at_i>${lower}` : null,
          upper !== undefined ? `created_at_i<=${upper}` : null,
        ]
          .filter(Boolean)
          .join(',');
        const params = new URLSearchParams({
          query: q,
          tags: '(story,comment)',
          hitsPerPage: String(HITS_PER_PAGE),
        });
        if (filters) params.set('numericFilters', filters);
        const what = `search "${q.slice(0, 60)}" page ${page}`;
        const a = await requestJson(
          { url: `${base}/api/v1/search_by_date?${params}`, what },
          callCtx(ctx.signal, ctx.log),
        );
        const b = a.body;
        if (!isRecord(b) || !Array.isArray(b.hits))
          throw new SourceError(`hackernews: malformed answer for ${what}: no hits array`, true);
        const posts: RawPost[] = [];
        let oldest: number | undefined;
        let fresh = 0;
        b.hits.forEach((hit, i) => {
          const post = hitToRaw(hit);
          if (!post || post.createdAt === null)
            return void warnings.push(`${what}: item ${i + 1} skipped (malformed hit)`);
          const seconds = post.createdAt / 1000;
          if (oldest === undefined || seconds < oldest) oldest = seconds;
          if (newest === undefined || seconds > newest) newest = seconds;
          if (seen.has(post.externalId)) return;
          seen.add(post.externalId);
          fresh++;
          posts.push(post);
        });
        const more = b.hits.length >= HITS_PER_PAGE && oldest !== undefined;
        const last = !more || page >= config.maxPages;
        if (last) {
          if (more) warnings.push(`stopped after ${page} pages: older results were not read`);
          ctx.log.info({ query: q.slice(0, 60), pages: page }, 'hackernews: poll complete');
          yield finalPage(posts, newest !== undefined ? String(newest) : null, warnings);
          return;
        }
        yield { posts };
        // Next window ends at the oldest item read (inclusive: items of that second may remain);
        // a page with nothing new means one second holds more than a page: step past it.
        upper = fresh > 0 ? oldest : oldest! - 1;
      }
    },
  };
}
