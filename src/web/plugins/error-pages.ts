import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../escape-html.ts';
import { isApi } from '../web-context.ts';

/** One error handler: log server errors whole, tell the client only what went wrong on its side. */
export function errorPages(app: FastifyInstance): void {
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.routeOptions.url }, 'request failed');
    // Only client errors say what went wrong; a server error never leaks internals.
    const message = status >= 500 ? 'internal error' : err.message;
    if (isApi(req.url) || !req.session) return reply.status(status).send({ error: message });
    return reply.status(status).type('text/html; charset=utf-8').send(errorPage(status, message));
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: 'not found' }));
}

export function errorPage(status: number, message: string): string {
  const esc = escapeHtml(message);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${status}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/vigie.css"></head><body><main><h1>${status}</h1><p>${esc}</p><p><a href="/">Vigie</a></p></main></body></html>`;
}
