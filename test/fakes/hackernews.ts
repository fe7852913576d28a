// Fake Hacker News Algolia API: /api/v1/search_by_date with query, tags, numericFilters
// (created_at_i with > >= < <= = !=), hitsPerPage, page, and Algolia's pagination limit: whatever
// nbHits says, only the first 1000 hits of a query are reachable (page * hitsPerPage < 1000), nbPages
// counts only reachable pages, and a page past them answers no hits. Newest first; hits of the same
// second in a fixed order (objectID, descending) whatever the filters, as Algolia's ranking does.
import { json, startHttpFake, type HttpFake } from './http-fake.ts';

export interface HnHit {
  objectID: string;
  created_at_i: number;
  /** ISO 8601, filled from created_at_i when not given. */
  created_at?: string;
  author: string;
  title?: string | null;
  comment_text?: string | null;
  story_text?: string | null;
  story_title?: string | null;
  url?: string | null;
  story_id?: number | null;
  parent_id?: number | null;
  _tags: string[];
}

export interface FakeHn extends HttpFake {
  hits: HnHit[];
  add(hit: Partial<HnHit> & { created_at_i: number }): HnHit;
}

/** Algolia's paginationLimitedTo for the HN index. */
export const HN_MAX_REACHABLE = 1000;

const bad = (message: string) => json(400, { message, status: 400 });

function numericTest(filter: string): ((h: HnHit) => boolean) | undefined {
  const m = /^created_at_i(<=|>=|!=|<|>|=)(\d+)$/.exec(filter.replace(/\s+/g, ''));
  if (!m) return undefined;
  const v = Number(m[2]);
  switch (m[1]) {
    case '>':
      return (h) => h.created_at_i > v;
    case '>=':
      return (h) => h.created_at_i >= v;
    case '<':
      return (h) => h.created_at_i < v;
    case '<=':
      return (h) => h.created_at_i <= v;
    case '!=':
      return (h) => h.created_at_i !== v;
    default:
      return (h) => h.created_at_i === v;
  }
}

export async function startFakeHackernews(): Promise<FakeHn> {
  const hits: HnHit[] = [];
  let nextId = 1000;
  const fake = await startHttpFake((req) => {
    if (req.method !== 'GET' || req.path !== '/api/v1/search_by_date')
      return json(404, { message: 'Not Found', status: 404 });
    const query = (req.query.get('query') ?? '').toLowerCase();
    const rawPerPage = req.query.get('hitsPerPage') ?? '20';
    const rawPage = req.query.get('page') ?? '0';
    if (!/^\d+$/.test(rawPerPage) || Number(rawPerPage) > 1000)
      return bad(`Invalid value for "hitsPerPage" parameter, expected an integer between 0 and 1000`);
    if (!/^\d+$/.test(rawPage)) return bad(`Invalid value for "page" parameter, expected a positive integer`);
    const perPage = Number(rawPerPage);
    const page = Number(rawPage);
    const tests: ((h: HnHit) => boolean)[] = [];
    for (const f of (req.query.get('numericFilters') ?? '').split(',').filter(Boolean)) {
      const test = numericTest(f);
      if (!test) return bad(`invalid numericFilters ${f}`);
      tests.push(test);
    }
    const tags = (req.query.get('tags') ?? '').replace(/[()]/g, '').split(',').filter(Boolean);
    const matched = hits
      .filter(
        (h) =>
          (!query ||
            `${h.title ?? ''} ${h.comment_text ?? ''} ${h.story_text ?? ''}`.toLowerCase().includes(query)) &&
          tests.every((t) => t(h)) &&
          (tags.length === 0 || tags.some((t) => h._tags.includes(t))),
      )
      .sort((a, b) => b.created_at_i - a.created_at_i || Number(b.objectID) - Number(a.objectID));
    const reachable = matched.slice(0, HN_MAX_REACHABLE);
    const pageHits = reachable.slice(page * perPage, page * perPage + perPage);
    return json(200, {
      hits: pageHits,
      nbHits: matched.length,
      page,
      nbPages: perPage === 0 ? 0 : Math.ceil(reachable.length / perPage),
      hitsPerPage: perPage,
      exhaustiveNbHits: true,
      processingTimeMS: 1,
      query,
      params: req.query.toString(),
    });
  });
  return Object.assign(fake, {
    hits,
    add(h: Partial<HnHit> & { created_at_i: number }): HnHit {
      const hit: HnHit = {
        objectID: String(nextId++),
        author: 'someone',
        _tags: ['comment'],
        created_at: new Date(h.created_at_i * 1000).toISOString(),
        ...h,
      };
      hits.push(hit);
      return hit;
    },
  });
}
