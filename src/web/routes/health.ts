import type { FastifyPluginAsync } from 'fastify';

/** Liveness for supervisors and load balancers: no data, no session needed. */
export function healthRoutes(deps: {
  /** Throws when the database does not answer. */
  pingDb: () => Promise<void>;
}): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { public: true },
        schema: {
          querystring: { type: 'object', properties: {} },
          response: {
            200: {
              type: 'object',
              properties: { status: { type: 'string' }, db: { type: 'string' } },
              required: ['status'],
            },
            503: {
              type: 'object',
              properties: { status: { type: 'string' }, db: { type: 'string' } },
              required: ['status'],
            },
          },
        },
      },
      async (_req, reply) => {
        try {
          await deps.pingDb();
          return { status: 'ok', db: 'ok' };
        } catch {
          return reply.status(503).send({ status: 'unavailable', db: 'error' });
        }
      },
    );
  };
}
