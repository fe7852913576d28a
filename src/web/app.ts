import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import { configSchema, type Config } from '../config/schema.ts';
import type { AppDeps, WebContext, WebSettings } from './web-context.ts';
import { errorPages } from './plugins/error-pages.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { csrf as csrfProtection } from './plugins/csrf.ts';
import { rateLimit } from './plugins/rate-limit.ts';
import { views } from './plugins/views.ts';
import { sessions } from './plugins/sessions.ts';
import { viewHelpers } from './render/view-helpers.ts';
import { healthRoutes } from './routes/health.ts';
import { unsubscribeRoutes } from './routes/unsubscribe.ts';
import { authRoutes } from './routes/auth.ts';
import { accountRoutes } from './routes/account.ts';
import { accountNotificationsRoutes } from './routes/account-notifications.ts';
import { overviewRoutes } from './routes/overview.ts';
import { triageRoutes } from './routes/triage.ts';
import { postRoutes } from './routes/post.ts';
import { lookalikesRoutes } from './routes/lookalikes.ts';
import { authorsRoutes } from './routes/authors.ts';
import { watchesRoutes } from './routes/watches.ts';
import { exportsRoutes } from './routes/exports.ts';
import { auditRoutes } from './routes/audit.ts';
import { helpRoutes } from './routes/help.ts';
import { apiRoutes } from './routes/api.ts';
import { setupRoutes } from './routes/setup.ts';
import { peopleRoutes } from './routes/people.ts';
import { settingsRoutes } from './routes/settings.ts';
import { lazySchemaCompilers } from './lazy-schema-compilers.ts';

/** Every route the app registered (method + url + config), for the OpenAPI document and tests. */
const ROUTES = new WeakMap<FastifyInstance, RouteOptions[]>();
export function registeredRoutes(app: FastifyInstance): readonly RouteOptions[] {
  return ROUTES.get(app) ?? [];
}

const SCHEMA_COMPILERS = new WeakMap<FastifyInstance, () => number>();
/** Compiles every route schema not compiled yet (they compile at their first request); returns how many. */
export function compileAllSchemas(app: FastifyInstance): number {
  return SCHEMA_COMPILERS.get(app)?.() ?? 0;
}

/** Builds the web application without listening, so tests drive it with `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const config: Readonly<Config> = deps.config ?? configSchema.parse({});
  const web: WebSettings = config.web;
  const schemas = lazySchemaCompilers();
  const app = Fastify({
    schemaController: schemas.schemaController,
    loggerInstance: deps.log.child({ part: 'web' }) as FastifyBaseLogger,
    // Request lines carry search words and ids: not logged by default.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: web.trustProxy,
    bodyLimit: 256 * 1024,
  }) as unknown as FastifyInstance;
  const routes: RouteOptions[] = [];
  ROUTES.set(app, routes);
  SCHEMA_COMPILERS.set(app, schemas.compileAll);
  app.addHook('onRoute', (r) => {
    routes.push(r);
  });

  const publicUrl = config.server.publicUrl;
  const ctx: WebContext = {
    log: deps.log,
    config: { server: config.server, network: config.network, web },
    posts: deps.posts,
    watches: deps.watches,
    sources: deps.sources,
    users: deps.users,
    triage: deps.triage,
    audit: deps.audit,
    recipients: deps.recipients,
    watchAdmin: deps.watchAdmin,
    evidence: deps.evidencePort,
    alerts: deps.alertsPort,
    lookalikes: deps.lookalikesPort,
    loginGuard: deps.loginGuard,
    invitations: deps.invitations,
    ...(deps.settings ? { settings: deps.settings } : {}),
    ...(deps.setupGate ? { setupGate: deps.setupGate } : {}),
    ...(deps.pollNow ? { pollNow: deps.pollNow } : {}),
    watchesChanged: async () => {
      await deps.onWatchesChanged?.();
    },
    secureCookies: (req) =>
      web.secureCookies === 'always' ||
      (web.secureCookies === 'auto' && (req.protocol === 'https' || !!publicUrl?.startsWith('https:'))),
    render: async (req, reply, page, data) => {
      const user = req.session;
      const csrf = reply.generateCsrf({
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: ctx.secureCookies(req),
      });
      const html = await reply.viewAsync(`pages/${page}.eta`, {
        ...data,
        ...viewHelpers(req.lang, req.timeZone),
        t: req.t,
        lang: req.lang,
        user,
        csrf,
        path: req.url,
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  };

  // Plugins first (fastify/demo's order: plugins, then routes); plain functions on the root
  // instance, so their hooks and decorators reach every route.
  errorPages(app, ctx);
  await securityHeaders(app);
  await csrfProtection(app);
  await rateLimit(app);
  await views(app);
  sessions(app, ctx);

  await app.register(healthRoutes(deps));
  await app.register(unsubscribeRoutes(deps));
  await app.register(authRoutes(ctx));
  await app.register(accountRoutes(ctx));
  await app.register(accountNotificationsRoutes(ctx));
  await app.register(overviewRoutes(ctx));
  await app.register(triageRoutes(ctx));
  await app.register(postRoutes(ctx));
  await app.register(authorsRoutes(ctx));
  await app.register(lookalikesRoutes(ctx));
  await app.register(watchesRoutes(ctx));
  await app.register(exportsRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(helpRoutes(ctx));
  await app.register(setupRoutes(ctx));
  await app.register(peopleRoutes(ctx));
  await app.register(settingsRoutes(ctx));
  await app.register(apiRoutes(ctx, () => routes));
  return app;
}

export type { AppDeps, FastifyReply, FastifyRequest };
