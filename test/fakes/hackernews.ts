// Fake Hacker News Algolia API: /api/v1/search_by_date with query, tags, numericFilters
// (created_at_i with > >= < <= =), hitsPerPage, page, and Algolia's 1000-hit pagination limit.
import { json, startHttpFake, type HttpFake } from './http-fake.ts';

export interface HnHit {
  objectID: string;
  created_at_i: number;
  author: string;
  title?: string | null;
  comment_text?: string | null;
  story_text?: string | null;
  story_title?: string | null;
  url?: string | null;
  _tags: string[];
}

export interface FakeHn extends HttpFake {
  hits: HnHit[];
  add(hit: Partial<HnHit> & { created_at_i: number }): HnHit;
}

const MAX_REACHABLE = 1000;

export async function startFakeHackernews(): Promise<FakeHn> {
  const hits: HnHit[] = [];
  let nextId = 1000;
  const fake = await startHttpFake((req) => {
    if (req.method !== 'GET' || req.path !== '/api/v1/search_by_date')
      return json(404, { message: 'Not Found', status: 404 });
    const query = (req.query.get('query') ?? '').toLowerCase();
    const perPage = Number(req.query.get('hitsPerPage') ?? '20');
    const page = Number(req.query.get('page') ?? '0');
    if (!Number.isInteger(perPage) || perPage < 0 || perPage > 1000)
      return json(400, { message: 'invalid hitsPerPage', status: 400 });
    const filters = (req.query.get('numericFilters') ?? '').split(',').filter(Boolean);
    const tests: ((h: HnHit) => boolean)[] = [];
    for (const f of filters) {
      const m = /^created_at_i(<=|>=|<|>|=)(\d+)$/.exec(f);
      if (!m) return json(400, { message: `invalid numericFilters ${f}`, status: 400 });
      const v = Number(m[2]);
      const op = m[1];
      tests.push((h) =>
        op === '>'
          ? h.created_at_i > v
          : op === '>='
            ? h.created_at_i >= v
            : op === '<'
              ? h.created_at_i < v
              : op === '<='
                ? h.created_at_i <= v
                : h.created_at_i === v,
      );
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
    const reachable = matched.slice(0, MAX_REACHABLE);
    const pageHits = reachable.slice(page * perPage, page * perPage + perPage);
    return json(200, {
      hits: pageHits,
      nbHits: matched.length,
      page,
      nbPages: Math.ceil(reachable.length / Math.max(1, perPage)),
      hitsPerPage: perPage,
      processingTimeMS: 1,
      query,
      params: req.query.toString(),
    });
  });
  return Object.assign(fake, {
    hits,
    add(h: Partial<HnHit> & { created_at_i: number }): HnHit {
      const hit: HnHit = { objectID: String(nextId++), author: 'someone', _tags: ['comment'], ...h };
      hits.push(hit);
      return hit;
    },
  });
}
