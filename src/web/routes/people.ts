import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  HttpError,
  SESSION_COOKIE,
  html,
  noQuery,
  passwordLinkRoute,
  tokenParams,
  type WebContext,
} from '../web-context.ts';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;
const csrfBody = { type: 'object', properties: { _csrf: { type: 'string' } } } as const;

/**
 * People: the accounts and pending invitations; owner and proxies invite a proxy or a reviewer
 * for watches they have themselves, by a one-time link shown once (and e-mailed on request).
 */
export function peopleRoutes(ctx: WebContext): FastifyPluginAsync {
  const roles = ['owner', 'proxy'] as const;
  return async (app) => {
    const page = async (req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
      const me = req.user!;
      const watches = [];
      for (const id of me.watchIds) {
        const w = await ctx.watches.get(id);
        if (w) watches.push(w);
      }
      // A proxy sees the people of their own watches only: others' watches are not theirs to know.
      const mine = (ids: string[]) => me.role === 'owner' || ids.some((w) => me.watchIds.includes(w));
      return ctx.render(req, reply, 'people', {
        title: req.t('people.title'),
        nav: 'people',
        accounts: (await ctx.invitations.accounts()).filter((a) => !a.pending && mine(a.watchIds)),
        pending: (await ctx.invitations.pending()).filter((i) => mine(i.watchIds)),
        watches,
        inviteLink: null,
        mailed: null,
        problem: null,
        ...extra,
      });
    };

    app.get(
      '/people',
      { config: { roles }, schema: { querystring: noQuery, response: html } },
      async (req, reply) => page(req, reply),
    );

    app.post(
      '/people/invite',
      {
        config: { roles },
        schema: {
          body: {
            type: 'object',
            required: ['email', 'role'],
            properties: {
              email: { type: 'string', maxLength: 320 },
              role: { type: 'string', enum: ['proxy', 'reviewer'] },
              watches: {
                anyOf: [
                  { type: 'string', maxLength: 64 },
                  { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 200 },
                ],
              },
              sendMail: { type: 'string', maxLength: 10 },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const me = req.user!;
        const body = req.body as {
          email: string;
          role: 'proxy' | 'reviewer';
          watches?: string | string[];
          sendMail?: string;
        };
        const email = body.email.trim().toLowerCase();
        const watchIds = [body.watches ?? []].flat().filter((w) => me.watchIds.includes(w));
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
          return page(req, reply.status(400), { problem: req.t('setup.badEmail') });
        if (!watchIds.length) return page(req, reply.status(400), { problem: req.t('people.needWatch') });
        const created = await ctx.invitations.create({
          email,
          role: body.role,
          watchIds,
          invitedBy: me.email,
          ttlMs: ctx.config.web.passwordLinkHours * 3_600_000,
        });
        if ('exists' in created) return page(req, reply.status(400), { problem: req.t('people.exists') });
        const link = `${baseUrl(ctx, req)}/invite/${created.token}`;
        let mailed: boolean | null = null;
        if (body.sendMail && ctx.settings) {
          const sent = await ctx.settings.sendMail(
            email,
            req.t('people.mailSubject'),
            `${req.t('people.mailBody')}\n\n${link}\n\n${req.t('people.mailExpires')} ${ctx.config.web.passwordLinkHours} h.`,
          );
          mailed = sent.ok;
        }
        // Who was invited, for what, by whom; never the link.
        await ctx.audit.record({
          userId: me.id,
          actor: me.email,
          action: 'invite',
          detail: { email, role: body.role, watches: watchIds, mailed },
        });
        return page(req, reply, { inviteLink: link, mailed });
      },
    );

    app.post(
      '/people/invitations/:id/revoke',
      { config: { roles }, schema: { params: idParams, body: csrfBody, response: html } },
      async (req, reply) => {
        const me = req.user!;
        const { id } = req.params as { id: number };
        const inv = (await ctx.invitations.pending()).find((i) => i.id === id);
        if (!inv || (me.role !== 'owner' && !inv.watchIds.every((w) => me.watchIds.includes(w))))
          throw new HttpError(404, 'no such invitation');
        const revoked = await ctx.invitations.revoke(id);
        if (revoked)
          await ctx.audit.record({
            userId: me.id,
            actor: me.email,
            action: 'invite_revoke',
            detail: { email: revoked.email },
          });
        return reply.redirect('/people', 303);
      },
    );

    app.post(
      '/people/:id/disable',
      { config: { roles }, schema: { params: idParams, body: csrfBody, response: html } },
      async (req, reply) => {
        const me = req.user!;
        const { id } = req.params as { id: number };
        const target = await ctx.users.byId(id);
        // The owner may disable anyone else; a proxy only reviewers of their own watches.
        const allowed =
          !!target &&
          target.id !== me.id &&
          target.role !== 'owner' &&
          (me.role === 'owner' ||
            (target.role === 'reviewer' && target.watchIds.every((w) => me.watchIds.includes(w))));
        if (!allowed) throw new HttpError(404, 'no such account');
        if (await ctx.invitations.disable(id))
          await ctx.audit.record({
            userId: me.id,
            actor: me.email,
            action: 'user_disable',
            detail: { email: target.email },
          });
        return reply.redirect('/people', 303);
      },
    );

    // --- the invited person's side: public, the link is the credential --------------------------

    const invitePage = (req: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>) =>
      ctx.render(req, reply, 'set-password', {
        title: req.t('people.acceptTitle'),
        valid: false,
        done: false,
        problem: null,
        ...data,
      });

    app.get(
      '/invite/:token',
      { config: { public: true }, schema: { params: tokenParams, querystring: noQuery, response: html } },
      async (req, reply) => {
        const inv = await ctx.invitations.lookup((req.params as { token: string }).token);
        return invitePage(req, reply.status(inv ? 200 : 404), { valid: !!inv, email: inv?.email });
      },
    );

    app.post(
      '/invite/:token',
      passwordLinkRoute(ctx.config.web.loginAttemptsPerMinute),
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const { password } = req.body as { password: string };
        const inv = await ctx.invitations.lookup(token);
        if (!inv) return invitePage(req, reply.status(404), {});
        const problem = passwordProblem(password);
        if (problem) return invitePage(req, reply.status(400), { valid: true, email: inv.email, problem });
        if (!(await ctx.invitations.accept(inv.id))) return invitePage(req, reply.status(404), {});
        await ctx.users.setPassword(inv.userId, await hashPassword(password));
        await ctx.audit.record({ userId: inv.userId, actor: inv.email, action: 'invite_accept' });
        const ttl = ctx.config.web.sessionHours * 3_600_000;
        reply.setCookie(SESSION_COOKIE, await ctx.users.createSession(inv.userId, ttl), {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.secureCookies(req),
          path: '/',
          maxAge: ttl / 1000,
        });
        return reply.redirect('/', 303);
      },
    );
  };
}

/** The address people reach the dashboard at: publicUrl, else the one this request came to. */
function baseUrl(ctx: WebContext, req: FastifyRequest): string {
  const configured = ctx.config.server.publicUrl;
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.host}`;
}
