import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.ts';
import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { SourcesRepo } from '../db/repositories/sources-repo.ts';
import type { Db } from '../db/client.ts';
import { healthRoutes } from './routes/health.ts';
import { latestRoutes } from './routes/latest.ts';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard', import.meta.url));

export interface AppDeps {
  log: Logger;
  db: Db;
  posts: PostsRepo;
  watches: WatchesRepo;
  sources: SourcesRepo;
}

/** Builds the web application without listening, so tests drive it with `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ part: 'web' }) as FastifyBaseLogger,
    disableRequestLogging: true,
    trustProxy: false,
  }) as unknown as FastifyInstance;

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.routeOptions.url }, 'request failed');
    // Only client errors say what went wrong; a server error never leaks internals.
    void reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });

  await app.register(fastifyStatic, { root: `${DASHBOARD_DIR}/public`, prefix: '/static/' });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: `${DASHBOARD_DIR}/views`, autoEscape: true, cache: true }) },
    root: `${DASHBOARD_DIR}/views`,
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    }
  });

  await app.register(healthRoutes(deps));
  await app.register(latestRoutes(deps));
  return app;
}
