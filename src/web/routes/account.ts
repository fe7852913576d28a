import type { FastifyPluginAsync } from 'fastify';
import { generateSecret, generateURI } from 'otplib';
import { HttpError, SESSION_COOKIE, html, type WebContext } from '../web-context.ts';
import { isTimeZone, timeZoneChoices } from '../render/time-zone.ts';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { totpValid } from '../auth/totp.ts';
import { reauthenticate, reauthFields } from '../auth/reauth.ts';

/** The person's own settings: language, time zone, second factor, "log out everywhere". */
export function accountRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    const page = async (
      req: Parameters<WebContext['render']>[0],
      reply: Parameters<WebContext['render']>[1],
      extra: Record<string, unknown> = {},
    ) => {
      const user = req.session!;
      const totp = await ctx.users.totp(user.id);
      const uri = totp.pending
        ? generateURI({ issuer: 'Vigie', label: user.email, secret: totp.pending })
        : null;
      return ctx.render(req, reply, 'account', {
        title: req.t('account.title'),
        nav: 'account',
        me: user,
        accountTimeZone: user.timeZone,
        timeZones: timeZoneChoices(),
        totpOn: !!totp.secret,
        pending: totp.pending,
        uri,
        bad: false,
        ...extra,
      });
    };

    app.get(
      '/account',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { reauth: { type: 'string', enum: ['failed'] } },
            additionalProperties: false,
          },
          response: html,
        },
      },
      async (req, reply) => {
        const failed = (req.query as { reauth?: string }).reauth === 'failed';
        return page(req, failed ? reply.status(400) : reply, { reauthFailed: failed });
      },
    );

    app.post(
      '/account/lang',
      {
        schema: {
          body: {
            type: 'object',
            required: ['lang'],
            properties: {
              lang: { type: 'string', enum: ['auto', 'fr', 'en'] },
              back: { type: 'string' },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { lang } = req.body as { lang: 'auto' | 'fr' | 'en' };
        const user = req.user!;
        await ctx.users.setLang(user.id, lang === 'auto' ? null : lang);
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'user_lang', detail: { lang } });
        return reply.redirect('/account', 303);
      },
    );

    app.post(
      '/account/time-zone',
      {
        schema: {
          body: {
            type: 'object',
            required: ['timeZone'],
            properties: { timeZone: { type: 'string', maxLength: 64 }, _csrf: { type: 'string' } },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { timeZone } = req.body as { timeZone: string };
        if (!isTimeZone(timeZone)) throw new HttpError(400, 'unknown time zone', 'error.400');
        const user = req.user!;
        await ctx.users.setTimeZone(user.id, timeZone);
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'user_time_zone',
          detail: { timeZone },
        });
        return reply.redirect('/account', 303);
      },
    );

    const csrfBody = { type: 'object', properties: { _csrf: { type: 'string' } } } as const;

    app.post(
      '/account/password',
      {
        schema: {
          body: {
            type: 'object',
            required: ['newPassword'],
            properties: {
              ...reauthFields,
              newPassword: { type: 'string', maxLength: 1024 },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const body = req.body as { password?: string; code?: string; newPassword: string };
        if (!(await reauthenticate(ctx, user, body, req.ip)))
          return page(req, reply.status(400), { reauthFailed: true });
        const problem = passwordProblem(body.newPassword);
        if (problem) return page(req, reply.status(400), { passwordProblem: problem });
        await ctx.users.setPassword(user.id, await hashPassword(body.newPassword));
        // The other sessions end: whoever else was signed in must know the new password.
        await ctx.users.revokeAllSessions(user.id);
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'password_changed' });
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect('/login', 303);
      },
    );

    app.post('/account/totp/start', { schema: { body: csrfBody, response: html } }, async (req, reply) => {
      // A new secret would replace the one in use at confirmation: turning it off comes first.
      if ((await ctx.users.totp(req.user!.id)).secret) return reply.redirect('/account', 303);
      await ctx.users.setTotp(req.user!.id, { pending: generateSecret() });
      return reply.redirect('/account', 303);
    });

    app.post(
      '/account/totp/confirm',
      {
        schema: {
          body: {
            type: 'object',
            required: ['code'],
            properties: { code: { type: 'string', maxLength: 12 }, _csrf: { type: 'string' } },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const { pending } = await ctx.users.totp(user.id);
        const { code } = req.body as { code: string };
        if (!pending || !(await totpValid(pending, code))) return page(req, reply.status(400), { bad: true });
        await ctx.users.setTotp(user.id, { secret: pending, pending: null });
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'totp_enabled' });
        return reply.redirect('/account', 303);
      },
    );

    app.post(
      '/account/totp/disable',
      {
        schema: {
          body: { type: 'object', properties: { ...reauthFields, _csrf: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        if (!(await reauthenticate(ctx, user, req.body as { password?: string; code?: string }, req.ip)))
          return page(req, reply.status(400), { reauthFailed: true });
        await ctx.users.setTotp(user.id, { secret: null, pending: null });
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'totp_disabled' });
        return reply.redirect('/account', 303);
      },
    );
  };
}
