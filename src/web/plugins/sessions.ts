import type { FastifyInstance } from 'fastify';
import { pickLang, translator } from '../i18n/index.ts';
import { HttpError, isApi, PUBLIC_PREFIXES, SESSION_COOKIE, type WebContext } from '../web-context.ts';
import { isTimeZone, TZ_COOKIE } from '../render/time-zone.ts';

/** Sessions and API tokens: who is asking, in which language, and whether the route lets them in. */
export function sessions(app: FastifyInstance, ctx: Pick<WebContext, 'users'>): void {
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', translator('en'));
  app.decorateRequest('timeZone', 'UTC');

  // Who is asking: a session cookie for pages, a bearer token for the API (never both, so the
  // API cannot be driven by a cross-site request carrying the cookie). Then every route needs a
  // signed-in user unless it says otherwise, and its roles are checked, on the server, before the
  // body is even parsed, so an anonymous request learns nothing from validation errors.
  app.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url ?? req.url;
    if (isApi(url)) {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer '))
        req.user = (await ctx.users.apiTokenUser(auth.slice(7).trim())) ?? null;
    } else {
      const token = req.cookies[SESSION_COOKIE];
      if (token) {
        req.session = (await ctx.users.sessionUser(token)) ?? null;
        req.user = req.session;
      }
    }
    req.lang = pickLang(req.user?.lang, req.headers['accept-language']);
    req.t = translator(req.lang);
    req.timeZone = [req.user?.timeZone, req.cookies[TZ_COOKIE]].find(isTimeZone) ?? 'UTC';

    const config = req.routeOptions.config ?? {};
    const open =
      config.public === true || PUBLIC_PREFIXES.some((p) => url.startsWith(p)) || !req.routeOptions.url;
    if (open) return;
    if (!req.user) {
      if (isApi(url))
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'authentication required' });
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      return reply.redirect(`/login${next}`, 303);
    }
    if (config.roles && !config.roles.includes(req.user.role)) {
      if (isApi(url)) return reply.status(403).send({ error: 'forbidden' });
      throw new HttpError(403, 'forbidden', 'error.403');
    }
  });
}
