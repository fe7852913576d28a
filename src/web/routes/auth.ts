import type { FastifyPluginAsync } from 'fastify';
import {
  SESSION_COOKIE,
  html,
  passwordLinkRoute,
  safeBack,
  tokenParams,
  type WebContext,
} from '../web-context.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.ts';
import { totpValid } from '../auth/totp.ts';
import { reauthenticate, reauthFields } from '../auth/reauth.ts';
import { isTimeZone } from '../render/time-zone.ts';

/** Sign in, sign out (here or everywhere), and the one-time set-password links. */
export function authRoutes(ctx: WebContext): FastifyPluginAsync {
  const guard = ctx.loginGuard;
  return async (app) => {
    const loginQuery = {
      type: 'object',
      properties: { next: { type: 'string', maxLength: 2000 } },
      additionalProperties: false,
    } as const;

    app.get(
      '/login',
      { config: { public: true }, schema: { querystring: loginQuery, response: html } },
      async (req, reply) => {
        const { next } = req.query as { next?: string };
        if (req.session) return reply.redirect(safeBack(next), 303);
        return ctx.render(req, reply, 'login', {
          title: req.t('login.title'),
          next: safeBack(next),
          failed: false,
          // A first start: say where the way in is, rather than show a form nobody can pass.
          noAccount: (await ctx.users.list()).length === 0,
        });
      },
    );

    app.post(
      '/login',
      {
        config: {
          public: true,
          rateLimit: { max: ctx.config.web.loginAttemptsPerMinute, timeWindow: 60_000 },
        },
        schema: {
          body: {
            type: 'object',
            required: ['email', 'password'],
            properties: {
              email: { type: 'string', maxLength: 320 },
              password: { type: 'string', maxLength: 1024 },
              code: { type: 'string', maxLength: 12 },
              next: { type: 'string', maxLength: 2000 },
              tz: { type: 'string', maxLength: 64 },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const body = req.body as {
          email: string;
          password: string;
          code?: string;
          next?: string;
          tz?: string;
        };
        // Per account, whatever the client address: refused unread while the account is paused.
        const { lockedUntil } = await guard.state(body.email);
        if (lockedUntil) {
          reply.header('retry-after', String(Math.ceil((lockedUntil - Date.now()) / 1000)));
          return ctx.render(req, reply.status(429), 'login', {
            title: req.t('login.title'),
            next: safeBack(body.next),
            failed: false,
            throttled: { kind: 'account', retryAt: lockedUntil },
            email: body.email,
          });
        }
        const user = await ctx.users.byEmail(body.email);
        let ok =
          (await verifyPassword(user?.passwordHash ?? null, body.password)) && !!user && !user.disabled;
        if (ok && user?.totpSecret) ok = await totpValid(user.totpSecret, body.code);
        if (!ok || !user) {
          await ctx.audit.record({
            userId: user?.id ?? null,
            actor: body.email.slice(0, 320),
            action: 'login_failed',
            detail: { ip: req.ip },
          });
          await guard.afterFailure(user);
          return ctx.render(req, reply.status(401), 'login', {
            title: req.t('login.title'),
            next: safeBack(body.next),
            failed: true,
            email: body.email,
          });
        }
        const ttl = ctx.config.web.sessionHours * 3_600_000;
        await ctx.users.pruneSessions();
        const token = await ctx.users.createSession(user.id, ttl);
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'login',
          detail: { ip: req.ip },
        });
        // The first sign-in from a browser that tells its zone sets the account's (editable under Account).
        if (!user.timeZone && isTimeZone(body.tz)) await ctx.users.setTimeZone(user.id, body.tz);
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.secureCookies(req),
          path: '/',
          maxAge: ttl / 1000,
        });
        return reply.redirect(safeBack(body.next), 303);
      },
    );

    const csrfBody = { type: 'object', properties: { _csrf: { type: 'string' } } } as const;

    app.post('/logout', { schema: { body: csrfBody, response: html } }, async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await ctx.users.revokeSession(token);
      if (req.user) await ctx.audit.record({ userId: req.user.id, actor: req.user.email, action: 'logout' });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login', 303);
    });

    app.post(
      '/logout-everywhere',
      {
        schema: {
          body: { type: 'object', properties: { ...reauthFields, _csrf: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        if (!(await reauthenticate(ctx, user, req.body as { password?: string; code?: string }, req.ip)))
          return reply.redirect('/account?reauth=failed', 303);
        const n = await ctx.users.revokeAllSessions(user.id);
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'logout_everywhere',
          detail: { sessions: n },
        });
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect('/login', 303);
      },
    );

    app.get(
      '/set-password/:token',
      {
        config: { public: true },
        schema: { params: tokenParams, querystring: { type: 'object', properties: {} }, response: html },
      },
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const user = await ctx.users.passwordLinkUser(token);
        return ctx.render(req, reply.status(user ? 200 : 404), 'set-password', {
          title: req.t('setpw.title'),
          valid: !!user,
          email: user?.email,
          done: false,
          problem: null,
        });
      },
    );

    app.post(
      '/set-password/:token',
      passwordLinkRoute(ctx.config.web.loginAttemptsPerMinute),
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const { password } = req.body as { password: string };
        const user = await ctx.users.passwordLinkUser(token);
        if (!user)
          return ctx.render(req, reply.status(404), 'set-password', {
            title: req.t('setpw.title'),
            valid: false,
            done: false,
            problem: null,
          });
        const problem = passwordProblem(password);
        if (problem)
          return ctx.render(req, reply.status(400), 'set-password', {
            title: req.t('setpw.title'),
            valid: true,
            email: user.email,
            done: false,
            problem,
          });
        if (!(await ctx.users.usePasswordLink(token)))
          return ctx.render(req, reply.status(404), 'set-password', {
            title: req.t('setpw.title'),
            valid: false,
            done: false,
            problem: null,
          });
        await ctx.users.setPassword(user.id, await hashPassword(password));
        await ctx.users.revokeAllSessions(user.id);
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'password_set' });
        return ctx.render(req, reply, 'set-password', {
          title: req.t('setpw.title'),
          valid: true,
          done: true,
          problem: null,
        });
      },
    );
  };
}
