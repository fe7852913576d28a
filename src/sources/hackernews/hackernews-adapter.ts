// Hacker News through Algolia's search_by_date, newest first. Only the first 1000 hits of a
// query are reachable by page number (Algolia's paginationLimitedTo), so the time window is walked
// by narrowing it instead: each next request asks for items up to the oldest one just read
// (inclusive, as that second may hold more). When a full page holds a single second, that second
// alone may hold more than a page: it is read through Algolia's pages (`created_at_i=S`, page 0 to
// nbPages), then the walk steps past it. Only a second with more than 1000 matching items cannot be
// read whole; the poll then says how many were left. Items are de-duplicated by objectID within a
// poll (the store de-duplicates across polls). Polls re-read a safety margin before the newest
// `created_at_i` seen (late indexing, and items of that second itself). A poll that reaches
// maxPages keeps where it stopped in its cursor, and the next polls read the new items first, then
// the rest of that backlog with the pages left (see parseCursor; with maxPages 1 none is ever
// left while new items are read first). A first poll (no cursor) reads the newest maxPages pages
// only: older history is not a backlog, and reading years of it would alert on stale posts.
import type { Config } from '../../config/schema.ts';
import { htmlToText } from '../html-text.ts';
import {
  SourceError,
  finalPage,
  type PollContext,
  type PollPage,
  type RawPost,
  type SourceAdapter,
} from '../source.ts';
import { isRecord, requestJson, str, type CallContext } from '../social-http.ts';

export type HackernewsConfig = Config['sources']['hackernews'];

const HITS_PER_PAGE = 100;
/** Algolia answers no hits past this many for one query (page * hitsPerPage), whatever nbHits says. */
export const HN_PAGINATION_LIMIT = 1000;
/** Algolia indexes items a little after they are posted: re-read this far behind the cursor. */
export const HN_OVERLAP_SECONDS = 600;

export interface HackernewsTuning {
  backoffMs?: number;
}

/** One answer of search_by_date, its new items kept (items seen earlier in the poll dropped). */
interface SearchPage {
  posts: RawPost[];
  /** Hits in the answer, malformed ones included: a full page means there may be more. */
  count: number;
  /** Oldest and newest created_at_i of the page's valid hits. */
  oldest?: number;
  latest?: number;
  nbHits: number | undefined;
  nbPages: number | undefined;
}

/** Items with lower < created_at_i <= top still to read; `page`: second `top` is being read
 *  through Algolia's pages, and its pages before this one were read (kept so that a crowded second
 *  needing more pages than a poll has left still advances, instead of restarting at page 0). */
interface Backlog {
  lower: number;
  top: number;
  page?: number;
}

const CURSOR = /^(\d{1,12})(?:;(\d{1,12});(\d{1,12})(?:;(\d{1,3}))?)?$/;

/**
 * The stored cursor: "N", the newest created_at_i seen (the only form before backlogs were kept,
 * still read), or "N;T;L" / "N;T;L;P" when a poll stopped at maxPages with a backlog (see Backlog).
 * Anything else, or bounds out of order, is invalid.
 */
function parseCursor(s: string): { newest: number; backlog?: Backlog } | undefined {
  const m = CURSOR.exec(s);
  if (!m) return undefined;
  const newest = Number(m[1]);
  if (m[2] === undefined) return { newest };
  const [top, lower] = [Number(m[2]), Number(m[3])];
  const page = m[4] === undefined ? undefined : Number(m[4]);
  if (!(lower < top && top <= newest)) return undefined;
  if (page !== undefined && page * HITS_PER_PAGE >= HN_PAGINATION_LIMIT) return undefined;
  return { newest, backlog: { lower, top, ...(page !== undefined ? { page } : {}) } };
}

const formatCursor = (newest: number, b?: Backlog): string =>
  b ? [newest, b.top, b.lower, ...(b.page !== undefined ? [b.page] : [])].join(';') : String(newest);

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
      const cursor = ctx.source.cursor ? parseCursor(ctx.source.cursor) : undefined;
      if (ctx.source.cursor && cursor === undefined)
        warnings.push(`ignored an invalid cursor "${ctx.source.cursor.slice(0, 40)}"`);
      let newest = cursor?.newest;
      const backlog = cursor?.backlog;
      let inBacklog = false;
      const seen = new Set<string>();
      /** Distinct items read per second, to tell how many of a crowded second were left. */
      const perSecond = new Map<number, number>();

      const search = async (filters: string[], pageNo: number, what: string): Promise<SearchPage> => {
        const params = new URLSearchParams({
          query: q,
          tags: '(story,comment)',
          hitsPerPage: String(HITS_PER_PAGE),
        });
        if (filters.length) params.set('numericFilters', filters.join(','));
        if (pageNo > 0) params.set('page', String(pageNo));
        const a = await requestJson(
          { url: `${base}/api/v1/search_by_date?${params}`, what },
          callCtx(ctx.signal, ctx.log),
        );
        const b = a.body;
        if (!isRecord(b) || !Array.isArray(b.hits))
          throw new SourceError(`hackernews: malformed answer for ${what}: no hits array`, true);
        const out: SearchPage = {
          posts: [],
          count: b.hits.length,
          nbHits: typeof b.nbHits === 'number' ? b.nbHits : undefined,
          nbPages: typeof b.nbPages === 'number' ? b.nbPages : undefined,
        };
        b.hits.forEach((hit, i) => {
          const post = hitToRaw(hit);
          if (!post || post.createdAt === null)
            return void warnings.push(`${what}: item ${i + 1} skipped (malformed hit)`);
          const seconds = post.createdAt / 1000;
          if (out.oldest === undefined || seconds < out.oldest) out.oldest = seconds;
          if (out.latest === undefined || seconds > out.latest) out.latest = seconds;
          if (newest === undefined || seconds > newest) newest = seconds;
          if (seen.has(post.externalId)) return;
          seen.add(post.externalId);
          perSecond.set(seconds, (perSecond.get(seconds) ?? 0) + 1);
          out.posts.push(post);
        });
        return out;
      };

      // The window walked: lower < created_at_i <= upper. New items first (a margin behind the cursor).
      let lower = newest !== undefined ? newest - HN_OVERLAP_SECONDS : undefined;
      let upper: number | undefined;
      /** The crowded second being read through Algolia's pages, if any; `before`: its items read by
       *  earlier polls (a backlog resumed in it), for the count of those left. */
      let crowded: { second: number; page: number; before: number } | undefined;
      for (let request = 1; ; request++) {
        let done: boolean;
        let r: SearchPage;
        if (crowded) {
          const { second, page } = crowded;
          const what = `search "${q.slice(0, 60)}" second ${second} page ${page}`;
          r = await search([`created_at_i=${second}`], page, what);
          if (r.nbHits === undefined || r.nbPages === undefined)
            throw new SourceError(`hackernews: malformed answer for ${what}: no nbHits or nbPages`, true);
          const nextReachable = (page + 1) * HITS_PER_PAGE < HN_PAGINATION_LIMIT;
          if (r.count > 0 && page + 1 < r.nbPages && nextReachable) crowded.page++;
          else {
            const left = r.nbHits - (perSecond.get(second) ?? 0) - crowded.before;
            if (left > 0)
              warnings.push(
                `${left} of the ${r.nbHits} items of second ${second} were not read: Algolia pages through at most ${HN_PAGINATION_LIMIT} hits of one query`,
              );
            crowded = undefined;
            upper = second - 1;
          }
          done = !crowded && lower !== undefined && upper !== undefined && upper <= lower;
        } else {
          const filters = [
            lower !== undefined ? `created_at_i>${lower}` : null,
            upper !== undefined ? `created_at_i<=${upper}` : null,
          ].filter((f): f is string => f !== null);
          r = await search(filters, 0, `search "${q.slice(0, 60)}" page ${request}`);
          done = r.count < HITS_PER_PAGE || r.oldest === undefined;
          // Next window ends at the oldest item read (inclusive: items of that second may remain);
          // a full page of one second means that second may hold more than a page: read it by pages.
          if (!done && r.oldest === r.latest) crowded = { second: r.oldest!, page: 0, before: 0 };
          else if (!done) upper = r.oldest;
        }
        if (done && backlog && !inBacklog) {
          // The new items are all read: go on with the backlog of an earlier poll, where it stopped.
          [inBacklog, done, lower, upper] = [true, false, backlog.lower, backlog.top];
          const page = backlog.page;
          crowded =
            page === undefined ? undefined : { second: backlog.top, page, before: page * HITS_PER_PAGE };
        }
        if (done || request >= config.maxPages) {
          const top = crowded?.second ?? upper;
          let rest: Backlog | undefined;
          // Stopped in the new items, their rest and the older backlog make one window: the part
          // between them, already read, is read again (only when new items overflow a poll).
          if (!done && lower !== undefined && top !== undefined)
            rest = {
              lower: inBacklog || !backlog ? lower : Math.min(lower, backlog.lower),
              top,
              ...(crowded ? { page: crowded.page } : {}),
            };
          if (!done)
            warnings.push(
              `stopped after ${request} pages: ${rest ? 'older results will be read on the next polls' : 'older results were not read (a first poll reads the newest only)'}`,
            );
          const next = newest !== undefined ? formatCursor(newest, rest) : null;
          ctx.log.info({ query: q.slice(0, 60), pages: request, cursor: next }, 'hackernews: poll complete');
          yield finalPage(r.posts, next, warnings);
          return;
        }
        yield { posts: r.posts };
      }
    },
  };
}
