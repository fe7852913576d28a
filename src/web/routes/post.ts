import type { FastifyPluginAsync } from 'fastify';
import { HttpError, html, safeBack, type WebContext } from '../web-context.ts';
import { applyAction, labelPost, postsOfUser, revealPost } from '../actions.ts';
import { CATEGORIES, REPORT_CHANNELS } from '../triage-repo.ts';
import { shieldRows } from '../post-visibility.ts';
import { cutText, excerptRow, PAGE_TEXT_CHARS } from '../render/excerpt.ts';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;
const back = { type: 'string', maxLength: 4000 } as const;

/** One post: highlighted text, author, archive, custody log, raw payload; and per-post actions. */
export function postRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/posts/:id',
      {
        schema: {
          params: idParams,
          querystring: { type: 'object', properties: { full: { type: 'string', enum: ['1'] } } },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.session!;
        const { id } = req.params as { id: number };
        const whole = await ctx.triage.post(id);
        // "Show all" (?full=1) gives the whole text and payload; otherwise a long excerpt.
        const full = (req.query as { full?: string }).full === '1';
        const cut = whole && excerptRow(whole, full ? Number.MAX_SAFE_INTEGER : PAGE_TEXT_CHARS);
        if (!cut || !user.watchIds.includes(cut.watchId)) throw new HttpError(404, 'not found', 'error.404');
        // Post text goes through the one shield decision (render/text-shield.ts).
        const post = (await shieldRows(ctx, user, [cut]))[0]!;
        const hidden = post.shielded;
        let events: Awaited<ReturnType<WebContext['evidence']['eventsForPost']>> = [];
        try {
          events = await ctx.evidence.eventsForPost(id);
        } catch (err) {
          req.log.warn({ err, postId: id }, 'custody log unavailable');
        }
        // The payload holds the text too: it is shown only when the text is.
        let rawPretty = hidden ? '' : post.raw;
        try {
          if (!hidden) rawPretty = JSON.stringify(JSON.parse(post.raw), null, 2);
        } catch {
          // XML or text payloads are shown as stored.
        }
        return ctx.render(req, reply, 'post', {
          title: req.t('post.title'),
          nav: 'triage',
          post,
          hidden,
          masked: post.masked,
          archive: await ctx.triage.archive(id),
          review: await ctx.triage.review(id),
          reports: await ctx.triage.reports(id),
          label: await ctx.triage.label(id),
          categories: CATEGORIES,
          events,
          // The payload is whole in a dossier export; the page shows its beginning.
          raw: hidden ? null : cutText(rawPretty, PAGE_TEXT_CHARS),
          rawCut: !hidden && rawPretty.length > PAGE_TEXT_CHARS,
          channels: REPORT_CHANNELS,
          canAct: user.role !== 'reviewer',
          canMarkHarmless: user.role === 'proxy',
          back: req.url,
        });
      },
    );

    app.post(
      '/posts/:id/reveal',
      {
        schema: {
          params: idParams,
          body: { type: 'object', properties: { back, _csrf: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: number };
        await revealPost(ctx, req.user!, id);
        const to = safeBack((req.body as { back?: string }).back, `/posts/${id}`);
        return reply.redirect(`${to.split('#')[0]}#post-${id}`, 303);
      },
    );

    app.post(
      '/posts/:id/status',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          params: idParams,
          body: {
            type: 'object',
            required: ['status'],
            properties: {
              status: { type: 'string', enum: ['reviewed', 'ignored', 'harmless'] },
              back,
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: number };
        const body = req.body as { status: 'reviewed' | 'ignored' | 'harmless'; back?: string };
        await applyAction(ctx, req.user!, [id], body.status);
        return reply.redirect(`${safeBack(body.back, `/posts/${id}`).split('#')[0]}#post-${id}`, 303);
      },
    );

    app.post(
      '/posts/:id/archive',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          params: idParams,
          body: { type: 'object', properties: { back, _csrf: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: number };
        await applyAction(ctx, req.user!, [id], 'archive');
        return reply.redirect(
          `${safeBack((req.body as { back?: string }).back, `/posts/${id}`).split('#')[0]}#post-${id}`,
          303,
        );
      },
    );

    // "Mark hostile": a person's label beside the scorer's verdict (an empty category takes it back).
    app.post(
      '/posts/:id/label',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          params: idParams,
          body: {
            type: 'object',
            required: ['category'],
            properties: {
              category: { type: 'string', enum: ['', ...CATEGORIES] },
              back,
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: number };
        const body = req.body as { category: string; back?: string };
        await labelPost(ctx, req.user!, id, body.category || null);
        return reply.redirect(`${safeBack(body.back, `/posts/${id}`).split('#')[0]}#post-${id}`, 303);
      },
    );

    app.post(
      '/posts/:id/report',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          params: idParams,
          body: {
            type: 'object',
            required: ['channel'],
            properties: {
              channel: { type: 'string', enum: [...REPORT_CHANNELS] },
              reportedAt: { type: 'string', maxLength: 40 },
              reference: { type: 'string', maxLength: 200 },
              back,
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: number };
        const body = req.body as { channel: string; reportedAt?: string; reference?: string; back?: string };
        await postsOfUser(ctx, req.user!, [id]);
        await applyAction(ctx, req.user!, [id], 'report', body);
        return reply.redirect(`${safeBack(body.back, `/posts/${id}`).split('#')[0]}#post-${id}`, 303);
      },
    );
  };
}
