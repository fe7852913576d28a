import type { FastifyInstance } from 'fastify';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard', import.meta.url));

/** Static assets under /static/ and the Eta page templates of dashboard/. */
export async function views(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: `${DASHBOARD_DIR}/public`, prefix: '/static/' });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: `${DASHBOARD_DIR}/views`, autoEscape: true, cache: true }) },
    root: `${DASHBOARD_DIR}/views`,
    // Without this, @fastify/view turns Eta's cache off outside NODE_ENV=production and every
    // page recompiles its templates (10× slower). Restart the server after editing a template.
    production: true,
  });
}
