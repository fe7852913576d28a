import type { FastifyPluginAsync } from 'fastify';
import { LEVELS } from '../../scoring/index.ts';
import { html, noQuery, type WebContext } from '../web-context.ts';
import { sendDossier, type DossierParams } from '../dossier-download.ts';

export const dossierFields = {
  watch: { type: 'string', maxLength: 64 },
  from: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
  to: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
  minLevel: { type: 'string', enum: ['', ...LEVELS] },
  lang: { type: 'string', enum: ['fr', 'en', 'both'] },
} as const;

/** The dossier for a period, for the lawyer or the police (every role may export). */
export function exportsRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/exports', { schema: { querystring: noQuery, response: html } }, async (req, reply) =>
      ctx.render(req, reply, 'exports', {
        title: req.t('exports.title'),
        nav: 'exports',
        watchIds: req.user!.watchIds,
        levels: LEVELS,
        available: !!ctx.evidence.writeDossier,
        defaultLang: req.lang === 'en' ? 'en' : 'fr',
      }),
    );

    app.post(
      '/exports',
      {
        schema: {
          body: {
            type: 'object',
            required: ['watch'],
            properties: { ...dossierFields, _csrf: { type: 'string' } },
          },
          response: { 200: { type: 'string' } },
        },
      },
      async (req, reply) => {
        const body = req.body as DossierParams;
        return sendDossier(ctx, req.user!, { ...body, lang: body.lang ?? req.lang }, reply);
      },
    );
  };
}
