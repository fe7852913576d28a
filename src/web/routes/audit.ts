import type { FastifyPluginAsync } from 'fastify';
import { html, type WebContext } from '../web-context.ts';

/** Who viewed hostile content, exported, changed settings: for the owner only. */
export function auditRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/audit',
      {
        config: { roles: ['owner'] },
        schema: {
          querystring: {
            type: 'object',
            properties: { before: { type: 'integer', minimum: 1 } },
            additionalProperties: false,
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { before } = req.query as { before?: number };
        const entries = await ctx.audit.list({ watchIds: req.user!.watchIds, before, limit: 100 });
        const last = entries[entries.length - 1];
        return ctx.render(req, reply, 'audit', {
          title: req.t('audit.title'),
          nav: 'audit',
          entries,
          nextUrl: entries.length === 100 && last ? `/audit?before=${last.id}` : null,
        });
      },
    );
  };
}
