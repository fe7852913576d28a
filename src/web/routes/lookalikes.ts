import type { FastifyPluginAsync } from 'fastify';
import { HttpError, html, type WebContext } from '../web-context.ts';
import type { LookalikeView } from '../ports.ts';
import type { User } from '../auth/users-repo.ts';
import { pickWatch } from './watch-param.ts';
import { excerptRow, LIST_TEXT_CHARS } from '../render/excerpt.ts';
import { shieldRows } from '../post-visibility.ts';

/** How many of an account's posts its card shows. */
const FIRST_POSTS = 3;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** The candidate, if it belongs to a watch this user may see (404 otherwise: no probing). */
async function candidateOf(ctx: WebContext, user: User, id: number): Promise<LookalikeView> {
  const row = await ctx.lookalikes.get(id);
  if (!row || !user.watchIds.includes(row.watchId)) throw new HttpError(404, 'no such account');
  return row;
}

/**
 * Look-alike accounts of a watch (identity theft): why each looks like the person, how much, and
 * its first posts (shielded like any post text); owner and proxies confirm or dismiss, audited.
 */
export function lookalikesRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/lookalikes',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { watch: { type: 'string', maxLength: 64 } },
            additionalProperties: false,
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.session!;
        const watchId = pickWatch(user, (req.query as { watch?: string }).watch);
        const accounts = [];
        for (const l of await ctx.lookalikes.list(watchId)) {
          const posts = await ctx.triage.postsOfAccount(watchId, l, FIRST_POSTS);
          accounts.push({
            ...l,
            posts: await shieldRows(
              ctx,
              user,
              posts.map((p) => excerptRow(p, LIST_TEXT_CHARS)),
            ),
          });
        }
        return ctx.render(req, reply, 'lookalikes', {
          title: req.t('lookalikes.title'),
          nav: 'lookalikes',
          watchId,
          watchIds: user.watchIds,
          accounts,
          canAct: user.role !== 'reviewer',
          back: req.url,
        });
      },
    );

    for (const decision of ['confirm', 'dismiss'] as const) {
      app.post(
        `/lookalikes/:id/${decision}`,
        {
          config: { roles: ['owner', 'proxy'] },
          schema: {
            params: idParams,
            body: { type: 'object', properties: { _csrf: { type: 'string' } } },
            response: html,
          },
        },
        async (req, reply) => {
          const user = req.user!;
          const row = await candidateOf(ctx, user, (req.params as { id: number }).id);
          if (decision === 'confirm') await ctx.lookalikes.confirm(row.id, user.email);
          else await ctx.lookalikes.dismiss(row.id);
          await ctx.audit.record({
            userId: user.id,
            actor: user.email,
            action: `lookalike_${decision}`,
            watchId: row.watchId,
            detail: {
              lookalikeId: row.id,
              platform: row.platform,
              accountId: row.accountId,
              handle: row.handle,
            },
          });
          return reply.redirect(
            `/lookalikes?watch=${encodeURIComponent(row.watchId)}#lookalike-${row.id}`,
            303,
          );
        },
      );
    }
  };
}
