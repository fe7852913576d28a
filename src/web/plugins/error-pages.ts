import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../escape-html.ts';
import { translator, type MessageKey, type Translate } from '../i18n/index.ts';
import { isApi, type WebContext } from '../web-context.ts';

/** Raised by the per-address sign-in limit (plugins/rate-limit.ts): when the address may try again. */
export interface RetryLater extends Error {
  statusCode: 429;
  retryAt: number;
}

const STATUS_KEYS: Record<number, MessageKey> = {
  400: 'error.400',
  401: 'error.401',
  403: 'error.403',
  404: 'error.404',
  429: 'error.429',
  500: 'error.500',
  503: 'error.503',
};

/** What an error page says: the error's own words when it has a catalogue key, else the status's. */
function pageMessage(t: Translate, status: number, err: { pageKey?: MessageKey }): string {
  if (err.pageKey) return t(err.pageKey);
  return t(STATUS_KEYS[status] ?? (status >= 500 ? 'error.500' : 'error.400'));
}

/**
 * One error handler: log server errors whole, tell the client only what went wrong on its side.
 * Pages get the dashboard's layout (navigation when signed in, a way home when not) in the
 * reader's language; the API keeps its JSON.
 */
export function errorPages(app: FastifyInstance, ctx: Pick<WebContext, 'render'>): void {
  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    err: { pageKey?: MessageKey; retryAt?: number },
  ): Promise<FastifyReply> {
    const t = req.t ?? translator('en');
    const message = pageMessage(t, status, err);
    reply.status(status);
    try {
      // The sign-in form answers its own limits: the form again, saying when to retry.
      if (status === 429 && err.retryAt && (req.routeOptions.url ?? '') === '/login')
        return await ctx.render(req, reply, 'login', {
          title: t('login.title'),
          next: '/',
          failed: false,
          throttled: { kind: 'address', retryAt: err.retryAt },
        });
      return await ctx.render(req, reply, 'error', {
        title: `${t('error.title')} ${status}`,
        status,
        message,
        retryAt: err.retryAt ?? null,
      });
    } catch (renderErr) {
      req.log.error({ err: renderErr }, 'error page could not be rendered');
      return reply.type('text/html; charset=utf-8').send(errorPage(status, message));
    }
  }

  app.setErrorHandler(
    async (
      err: Error & { statusCode?: number; validation?: unknown; pageKey?: MessageKey; retryAt?: number },
      req,
      reply,
    ) => {
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err, url: req.routeOptions.url }, 'request failed');
      // Only client errors say what went wrong; a server error never leaks internals.
      const message = status >= 500 ? 'internal error' : err.message;
      if (isApi(req.url)) return reply.status(status).send({ error: message });
      return page(req, reply, status, status >= 500 ? {} : err);
    },
  );
  app.setNotFoundHandler(async (req, reply) => {
    if (isApi(req.url)) return reply.status(404).send({ error: 'not found' });
    return page(req, reply, 404, {});
  });
}

/** The last resort when even the layout cannot be rendered: a bare page with a way home. */
export function errorPage(status: number, message: string): string {
  const esc = escapeHtml(message);
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/vigie.css"></head><body><main><h1>${status}</h1><p>${esc}</p><p><a href="/">Vigie</a></p></main></body></html>`;
}
