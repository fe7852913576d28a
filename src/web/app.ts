import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyCsrf from '@fastify/csrf-protection';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import { configSchema, type Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { SourcesRepo } from '../db/repositories/sources-repo.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Db } from '../db/client.ts';
import { createUsersRepo } from './auth/users-repo.ts';
import { createTriageRepo } from './triage-repo.ts';
import { createAuditRepo } from './audit-repo.ts';
import { createAlertsPort, createEvidencePort, type AlertsPort, type EvidencePort } from './integrations.ts';
import { createMailer, type Mailer } from '../alerts/mailer.ts';
import { createLoginGuard } from './auth/login-guard.ts';
import { createLoginAttemptsRepo } from './auth/login-attempts-repo.ts';
import { pickLang, translator } from './i18n/index.ts';
import { SESSION_COOKIE, type WebContext, type WebSettings } from './context.ts';
import { viewHelpers } from './render/view-helpers.ts';
import { healthRoutes } from './routes/health.ts';
import { unsubscribeRoutes } from './routes/unsubscribe.ts';
import { authRoutes } from './routes/auth.ts';
import { accountRoutes } from './routes/account.ts';
import { overviewRoutes } from './routes/overview.ts';
import { triageRoutes } from './routes/triage.ts';
import { postRoutes } from './routes/post.ts';
import { authorsRoutes } from './routes/authors.ts';
import { watchesRoutes } from './routes/watches.ts';
import { exportsRoutes } from './routes/exports.ts';
import { auditRoutes } from './routes/audit.ts';
import { helpRoutes } from './routes/help.ts';
import { apiRoutes } from './routes/api.ts';
import { escapeHtml } from '../escape-html.ts';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard', import.meta.url));

export interface AppDeps {
  log: Logger;
  db: Db;
  posts: PostsRepo;
  watches: WatchesRepo;
  sources: SourcesRepo;
  /** The whole configuration (defaults when absent, e.g. in benchmarks). */
  config?: Readonly<Config>;
  /** Ports to the evidence and alerts modules; loaded from the tree when not given. */
  evidencePort?: EvidencePort;
  alertsPort?: AlertsPort;
  /** Called after a watch is created or edited in the dashboard (the service re-syncs schedules). */
  onWatchesChanged?: () => Promise<void>;
  /** The job queue: actions such as "flag for archiving" start their job at once. */
  queue?: JobQueue;
  /** Mail to dashboard users (failed sign-ins); the configured transport when not given. */
  mailer?: Mailer;
  /** Other modules' routes (e.g. the alerts' unsubscribe link), registered with the app. */
  extraRoutes?: ((app: FastifyInstance) => Promise<void>)[];
}

/** Paths reachable without a session besides routes marked `config.public`. */
const PUBLIC_PREFIXES = ['/static/', '/unsubscribe'];

/** Every route the app registered (method + url + config), for the OpenAPI document and tests. */
const ROUTES = new WeakMap<FastifyInstance, RouteOptions[]>();
export function registeredRoutes(app: FastifyInstance): readonly RouteOptions[] {
  return ROUTES.get(app) ?? [];
}

function isApi(url: string): boolean {
  return url === '/api/v1' || url.startsWith('/api/v1/');
}

/** Builds the web application without listening, so tests drive it with `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const config: Readonly<Config> = deps.config ?? configSchema.parse({});
  const web: WebSettings = config.web;
  const app = Fastify({
    loggerInstance: deps.log.child({ part: 'web' }) as FastifyBaseLogger,
    // Request lines carry search words and ids: not logged by default.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: web.trustProxy,
    bodyLimit: 256 * 1024,
  }) as unknown as FastifyInstance;
  const routes: RouteOptions[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    routes.push(r);
  });

  const publicUrl = config.server.publicUrl;
  const ctx: WebContext = {
    db: deps.db,
    log: deps.log,
    config: { server: config.server, network: config.network, web },
    posts: deps.posts,
    watches: deps.watches,
    sources: deps.sources,
    users: createUsersRepo(deps.db),
    triage: createTriageRepo(deps.db),
    audit: createAuditRepo(deps.db),
    evidence:
      deps.evidencePort ??
      createEvidencePort({ db: deps.db, log: deps.log, config, watches: deps.watches, queue: deps.queue }),
    alerts: deps.alertsPort ?? createAlertsPort(deps),
    loginGuard: createLoginGuard({
      attempts: createLoginAttemptsRepo(deps.db),
      log: deps.log,
      mailer: deps.mailer ?? createMailer(config.mail, config.dataDir, deps.log),
    }),
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
        ...viewHelpers(req.lang),
        t: req.t,
        lang: req.lang,
        user,
        csrf,
        path: req.url,
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  };

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.routeOptions.url }, 'request failed');
    // Only client errors say what went wrong; a server error never leaks internals.
    const message = status >= 500 ? 'internal error' : err.message;
    if (isApi(req.url) || !req.session) return reply.status(status).send({ error: message });
    return reply.status(status).type('text/html; charset=utf-8').send(errorPage(status, message));
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: 'not found' }));

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    cookieKey: 'vigie_csrf',
    cookieOpts: { httpOnly: true, sameSite: 'strict', path: '/' },
    getToken: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyStatic, { root: `${DASHBOARD_DIR}/public`, prefix: '/static/' });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: `${DASHBOARD_DIR}/views`, autoEscape: true, cache: true }) },
    root: `${DASHBOARD_DIR}/views`,
    // Without this, @fastify/view turns Eta's cache off outside NODE_ENV=production and every
    // page recompiles its templates (10× slower). Restart the server after editing a template.
    production: true,
  });

  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', translator('en'));

  // Who is asking: a session cookie for pages, a bearer token for the API (never both, so the
  // API cannot be driven by a cross-site request carrying the cookie). Then every route needs a
  // signed-in user unless it says otherwise, and its roles are checked, on the server, before the
  // body is even parsed, so an anonymous request learns nothing from validation errors.
  app.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url ?? req.url;
    if (isApi(url)) {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ')) req.user = ctx.users.apiTokenUser(auth.slice(7).trim()) ?? null;
    } else {
      const token = req.cookies[SESSION_COOKIE];
      if (token) {
        req.session = ctx.users.sessionUser(token) ?? null;
        req.user = req.session;
      }
    }
    req.lang = pickLang(req.user?.lang, req.headers['accept-language']);
    req.t = translator(req.lang);

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
      return reply
        .status(403)
        .type('text/html; charset=utf-8')
        .send(errorPage(403, req.t('common.forbidden')));
    }
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

  await app.register(healthRoutes(deps));
  await app.register(unsubscribeRoutes(deps));
  await app.register(authRoutes(ctx));
  await app.register(accountRoutes(ctx));
  await app.register(overviewRoutes(ctx));
  await app.register(triageRoutes(ctx));
  await app.register(postRoutes(ctx));
  await app.register(authorsRoutes(ctx));
  await app.register(watchesRoutes(ctx));
  await app.register(exportsRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(helpRoutes(ctx));
  await app.register(apiRoutes(ctx, () => routes));
  for (const extra of deps.extraRoutes ?? []) await app.register(extra);
  return app;
}

function errorPage(status: number, message: string): string {
  const esc = escapeHtml(message);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${status}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/vigie.css"></head><body><main><h1>${status}</h1><p>${esc}</p><p><a href="/">Vigie</a></p></main></body></html>`;
}

export type { FastifyReply, FastifyRequest };
