import type { FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import type { RetryLater } from './error-pages.ts';

/**
 * Rate limits are per route (`config.rateLimit`): none applies globally. Past a limit the error
 * carries when to retry, so the page can say it in the reader's language and time zone.
 */
export async function rateLimit(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => {
      const err = new Error(`rate limit exceeded, retry in ${context.after}`) as RetryLater;
      err.statusCode = 429;
      err.retryAt = Date.now() + context.ttl;
      return err;
    },
  });
}
