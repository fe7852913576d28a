import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';

/** The plain page of latest posts per watch, until the full dashboard with accounts exists. */
export function latestRoutes(deps: Pick<AppDeps, 'posts' | 'watches' | 'sources'>): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/',
      { schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } } } },
      async (req, reply) => {
        const { limit } = req.query as { limit: number };
        const health = deps.sources.listHealth();
        const watches = deps.watches.listActive().map((w) => ({
          id: w.id,
          names: w.definition.names,
          total: deps.posts.count(w.id),
          sources: health.filter((s) => s.watchId === w.id),
          posts: deps.posts.latest(w.id, limit),
        }));
        return reply.viewAsync('pages/latest.eta', { watches, now: Date.now() });
      },
    );
  };
}
