import type { FastifyPluginAsync } from 'fastify';
import { html, type WebContext } from '../web-context.ts';
import { csvRow } from '../../evidence/csv.ts';
import { pickWatch } from './watch-param.ts';

const watchQuery = {
  type: 'object',
  properties: { watch: { type: 'string', maxLength: 64 } },
  additionalProperties: false,
} as const;

/** Repeat offenders (two hostile posts or more; web pages by site) and the block list (CSV of handles) to import into a platform's block tool. */
export function authorsRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/authors', { schema: { querystring: watchQuery, response: html } }, async (req, reply) => {
      const watchId = pickWatch(req.user!, (req.query as { watch?: string }).watch);
      return ctx.render(req, reply, 'authors', {
        title: req.t('authors.title'),
        nav: 'authors',
        watchId,
        watchIds: req.user!.watchIds,
        authors: await ctx.triage.authors(watchId, 500),
      });
    });

    app.get(
      '/authors.csv',
      { schema: { querystring: watchQuery, response: { 200: { type: 'string' } } } },
      async (req, reply) => {
        const user = req.user!;
        const watchId = pickWatch(user, (req.query as { watch?: string }).watch);
        const rows = await ctx.triage.authors(watchId, 100_000);
        let out = csvRow([
          'platform',
          'handle',
          'name',
          'hostile_posts',
          'posts',
          'worst_level',
          'last_seen',
          'site',
        ]);
        for (const a of rows)
          out += csvRow([
            a.platform,
            a.handle,
            a.name,
            a.hostile,
            a.posts,
            a.worstLevel,
            new Date(a.lastSeenAt).toISOString(),
            a.site,
          ]);
        // Accounts confirmed as impersonating the person belong on the block list too.
        const listed = new Set(rows.map((a) => `${a.platform}\u0000${(a.handle ?? '').toLowerCase()}`));
        for (const l of await ctx.lookalikes.list(watchId)) {
          if (l.status !== 'confirmed') continue;
          if (listed.has(`${l.platform}\u0000${(l.handle ?? '').toLowerCase()}`) && l.handle) continue;
          out += csvRow([
            l.platform,
            l.handle ?? l.accountId,
            l.name,
            0,
            0,
            'impersonation',
            new Date(l.lastSeenAt).toISOString(),
          ]);
        }
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'export_blocklist',
          watchId,
          detail: { authors: rows.length },
        });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="vigie-blocklist-${watchId}.csv"`)
          .send(out);
      },
    );
  };
}
