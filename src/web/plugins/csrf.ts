import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyCsrf from '@fastify/csrf-protection';
import { isApi } from '../web-context.ts';

/** Cookies and form bodies (the session cookie is read by the auth plugin), and CSRF on form posts. */
export async function csrf(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    cookieKey: 'vigie_csrf',
    cookieOpts: { httpOnly: true, sameSite: 'strict', path: '/' },
    getToken: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.headers['x-csrf-token'] as string | undefined),
  });

  // CSRF on every form post (pages only: the API takes bearer tokens, which a browser never sends
  // by itself). As a preHandler, so the token can come from the parsed form body.
  app.addHook('preHandler', async (req, reply) => {
    const url = req.routeOptions.url ?? req.url;
    if (req.method === 'GET' || req.method === 'HEAD' || isApi(url) || url.startsWith('/unsubscribe')) return;
    // The plugin is synchronous: it calls next on success and answers 403 itself otherwise.
    let passed = false;
    app.csrfProtection(req, reply, () => {
      passed = true;
    });
    if (!passed) return reply;
  });
}
