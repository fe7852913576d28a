import type { FastifyPluginAsync } from 'fastify';
import { html, noQuery, type WebContext } from '../web-context.ts';
import { barChartSvg } from '../render/chart-svg.ts';

/** The overview's "actions taken" looks this far back. */
const ACTIONS_WINDOW_MS = 30 * 86_400_000;

/** The calm overview: one block per watch the user may see. */
export function overviewRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { schema: { querystring: noQuery, response: html } }, async (req, reply) => {
      const user = req.user!;
      const health = await ctx.sources.listHealth();
      const watches = [];
      for (const id of user.watchIds) {
        const w = await ctx.watches.get(id);
        if (!w) continue;
        let wave = null;
        try {
          wave = (await ctx.alerts.currentWave?.(id)) ?? null;
        } catch (err) {
          req.log.warn({ err, watch: id }, 'current wave unavailable');
        }
        const perDay = await ctx.triage.hostilePerDay(id, 30);
        watches.push({
          id,
          names: w.definition.names,
          removed: w.removedAt !== null,
          counts: await ctx.triage.counts(id),
          needsReview: await ctx.triage.needsReview(id),
          chart: barChartSvg(perDay, req.t('overview.perDay')),
          wave,
          sources: health.filter((s) => s.watchId === id && s.enabled),
          archives: await ctx.triage.archiveCounts(id),
          actions: await ctx.audit.actionsTaken(id, Date.now() - ACTIONS_WINDOW_MS),
        });
      }
      const capture = (await ctx.evidence.captureStatus?.()) ?? null;
      return ctx.render(req, reply, 'overview', {
        title: req.t('overview.title'),
        nav: 'overview',
        watches,
        capture,
      });
    });
  };
}
