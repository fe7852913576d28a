import type { FastifyPluginAsync } from 'fastify';
import { LEVELS } from '../../scoring/index.ts';
import { html, noQuery, type WebContext } from '../web-context.ts';
import { sendDossier, type DossierParams } from '../dossier-download.ts';
import { CORRECTION_FORMATS, correctionsText, type CorrectionFormat } from '../corrections-export.ts';
import { pickWatch } from './watch-param.ts';

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

    // The posts people marked hostile by hand, with the scorer's verdict beside: the list of
    // corrections for the lexicon maintainers (it holds post text: audited like any export).
    app.get(
      '/exports/corrections',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: {
              watch: { type: 'string', maxLength: 64 },
              format: { type: 'string', enum: [...CORRECTION_FORMATS], default: 'csv' },
            },
            additionalProperties: false,
          },
          response: { 200: { type: 'string' } },
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const q = req.query as { watch?: string; format: CorrectionFormat };
        const watchId = pickWatch(user, q.watch);
        const list = await ctx.triage.corrections(watchId);
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'export_corrections',
          watchId,
          detail: { format: q.format, posts: list.length },
        });
        const day = new Date().toISOString().slice(0, 10);
        const name = `vigie-corrections-${watchId}-${day}.${q.format}`.replace(/[^A-Za-z0-9._-]/g, '_');
        return reply
          .header(
            'content-type',
            q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          )
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(correctionsText(list, q.format));
      },
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
