import type { FastifyPluginAsync } from 'fastify';
import { html, noQuery, type WebContext } from '../web-context.ts';

/** Reporting channels and help lines, in plain words (the text lives in the templates). */
export function helpRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/help', { schema: { querystring: noQuery, response: html } }, async (req, reply) =>
      ctx.render(req, reply, 'help', { title: req.t('help.title'), nav: 'help' }),
    );
  };
}
