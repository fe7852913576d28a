import type { FastifyPluginAsync } from 'fastify';
import { LEVELS } from '../../scoring/index.ts';
import { HttpError, html, safeBack, type WebContext } from '../web-context.ts';
import { ACTIONS, applyAction, revealPosts, type TriageAction } from '../actions.ts';
import { CATEGORIES, REPORT_CHANNELS, STATUS_FILTERS, type TriageFilter } from '../triage-repo.ts';
import { pickWatch } from './watch-param.ts';
import { excerptRow, LIST_TEXT_CHARS } from '../render/excerpt.ts';
import { shieldRows } from '../post-visibility.ts';

export const PAGE_SIZE = 50;

export const triageQuerySchema = {
  type: 'object',
  properties: {
    watch: { type: 'string', maxLength: 64 },
    level: { type: 'string', enum: ['', ...LEVELS] },
    category: { type: 'string', maxLength: 40 },
    source: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', maxLength: 0 },
      ],
    },
    author: { type: 'string', maxLength: 200 },
    status: { type: 'string', enum: ['', ...STATUS_FILTERS] },
    from: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
    to: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
    q: { type: 'string', maxLength: 200 },
    hostile: { type: 'string', enum: ['', '1'] },
    site: { type: 'string', maxLength: 253 },
    // No default: proxies and reviewers get the worst first, the owner the newest first.
    sort: { type: 'string', enum: ['newest', 'worst'] },
    cursor: { type: 'string', pattern: '^(-?\\d+\\.)?\\d+$' },
  },
  additionalProperties: false,
} as const;

export interface TriageQuery {
  watch?: string;
  level?: string;
  category?: string;
  source?: number | string;
  author?: string;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
  hostile?: string;
  site?: string;
  sort: 'newest' | 'worst';
  cursor?: string;
}

export function filterFromQuery(watchId: string, q: TriageQuery, limit = PAGE_SIZE): TriageFilter {
  const day = (s: string | undefined, plus = 0) => (s ? Date.parse(`${s}T00:00:00Z`) + plus : undefined);
  return {
    watchId,
    level: q.level || undefined,
    category: q.category || undefined,
    sourceId: typeof q.source === 'number' ? q.source : undefined,
    author: q.author?.trim() || undefined,
    status: (q.status || undefined) as TriageFilter['status'],
    from: day(q.from),
    to: day(q.to, 86_400_000),
    q: q.q?.trim() || undefined,
    hostile: q.hostile === '1' || undefined,
    site: q.site?.trim() || undefined,
    sort: q.sort,
    cursor: q.cursor,
    limit,
  };
}

/** Proxies and reviewers triage the worst first; the owner's list keeps the order things came in. */
export function defaultSort(role: string): TriageQuery['sort'] {
  return role === 'owner' ? 'newest' : 'worst';
}

/** The triage list and its bulk actions. */
export function triageRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/triage', { schema: { querystring: triageQuerySchema, response: html } }, async (req, reply) => {
      const user = req.session!;
      const asked = req.query as Partial<TriageQuery>;
      const query: TriageQuery = { ...asked, sort: asked.sort ?? defaultSort(user.role) };
      const watchId = pickWatch(user, query.watch);
      const { rows, next } = await ctx.triage.list(filterFromQuery(watchId, query));
      // Post text goes through the one shield decision (render/text-shield.ts).
      const items = await shieldRows(
        ctx,
        user,
        rows.map((whole) => excerptRow(whole, LIST_TEXT_CHARS)),
      );
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query))
        if (v !== undefined && v !== '' && k !== 'cursor') params.set(k, String(v));
      params.set('watch', watchId);
      const nextUrl = next ? `/triage?${params.toString()}&cursor=${encodeURIComponent(next)}` : null;
      return ctx.render(req, reply, 'triage', {
        title: req.t('triage.title'),
        nav: 'triage',
        watchId,
        watchIds: user.watchIds,
        query,
        items,
        revealIds: items.filter((r) => r.shielded).map((r) => r.id),
        nextUrl,
        levels: LEVELS,
        statuses: STATUS_FILTERS,
        channels: REPORT_CHANNELS,
        categories: CATEGORIES,
        sources: await ctx.triage.sourcesOf(watchId),
        canAct: user.role !== 'reviewer',
        canMarkHarmless: user.role === 'proxy',
        back: req.url,
      });
    });

    // Reveal every shielded post of the page at once: each one audited and logged as viewed, and
    // remembered for the rest of the session (the reveal is read back from the audit log).
    app.post(
      '/triage/reveal',
      {
        schema: {
          body: {
            type: 'object',
            properties: {
              ids: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: PAGE_SIZE },
              back: { type: 'string', maxLength: 4000 },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const body = req.body as { ids?: number[]; back?: string };
        const ids = body.ids ?? [];
        if (ids.length === 0) throw new HttpError(400, 'nothing to reveal on this page');
        await revealPosts(ctx, req.user!, ids);
        return reply.redirect(safeBack(body.back, '/triage'), 303);
      },
    );

    app.post(
      '/triage/bulk',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          body: {
            type: 'object',
            required: ['action'],
            properties: {
              ids: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 500 },
              action: { type: 'string', enum: [...ACTIONS] },
              channel: { type: 'string', maxLength: 40 },
              reportedAt: { type: 'string', maxLength: 40 },
              reference: { type: 'string', maxLength: 200 },
              back: { type: 'string', maxLength: 4000 },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const body = req.body as {
          ids?: number[];
          action: TriageAction;
          channel?: string;
          reportedAt?: string;
          reference?: string;
          back?: string;
        };
        if (!body.ids?.length) throw new HttpError(400, 'select at least one post', 'error.selectPost');
        await applyAction(ctx, req.user!, body.ids, body.action, body);
        return reply.redirect(safeBack(body.back, '/triage'), 303);
      },
    );
  };
}
