import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { SourcesRepo } from '../db/repositories/sources-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { AuditRepo } from './audit-repo.ts';
import type { Role, SessionUser, User, UsersRepo } from './auth/users-repo.ts';
import type { TriageRepo } from './triage-repo.ts';
import type { WatchAdminRepo } from './watch-admin-repo.ts';
import type { RecipientsRepo } from '../alerts/recipients-repo.ts';
import type { AlertsPort, EvidencePort, LookalikesPort, SettingsPort } from './ports.ts';
import type { InvitationsRepo } from './auth/invitations-repo.ts';
import type { SetupGate } from './setup-gate.ts';
import type { MessageKey, Translate, UiLang } from './i18n/index.ts';
import { sameOriginPath } from './safe-back.ts';
import type { LoginGuard } from './auth/login-guard.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session (login, set-password, health). */
    public?: boolean;
    /** Roles allowed; any signed-in user when absent. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    user: SessionUser | User | null;
    /** Set when the request carried a session cookie (not an API token). */
    session: SessionUser | null;
    lang: UiLang;
    t: Translate;
    /** IANA zone for every date shown: the account's, else the browser's, else UTC. */
    timeZone: string;
  }
}

export interface WebSettings {
  sessionHours: number;
  loginAttemptsPerMinute: number;
  secureCookies: 'auto' | 'always' | 'never';
  trustProxy: boolean;
  passwordLinkHours: number;
  setupFromAnyAddress: boolean;
}

/** The store's repositories the dashboard reads and writes. */
interface WebRepos {
  log: Logger;
  posts: PostsRepo;
  watches: WatchesRepo;
  sources: SourcesRepo;
  users: UsersRepo;
  triage: TriageRepo;
  audit: AuditRepo;
  recipients: RecipientsRepo;
  watchAdmin: WatchAdminRepo;
  invitations: InvitationsRepo;
}

/** First-run setup, invitations, settings and "poll now" (absent in tests that do not need them). */
interface AdminPorts {
  /** The dashboard's settings store (SMTP, source credentials), with its tests. */
  settings?: SettingsPort;
  /** The first-run setup link (only `vigie start` issues one). */
  setupGate?: SetupGate;
  /** Enqueues a poll of the watch now (the job driver does the rest). */
  pollNow?: (watchId: string) => Promise<void>;
}

/** What `buildApp` is given: the store's repositories and the ports to other modules (src/app/ builds them). */
export interface AppDeps extends WebRepos, AdminPorts {
  /** Ports to the evidence and alerts modules. */
  evidencePort: EvidencePort;
  alertsPort: AlertsPort;
  /** Look-alike accounts (identity theft): list, confirm, dismiss. */
  lookalikesPort: LookalikesPort;
  /** The unsubscribe links' signing key (configured, or generated once and stored). */
  unsubscribeKey: () => Promise<string>;
  /** The health check's question to the database; throws when it does not answer. */
  pingDb: () => Promise<void>;
  /** The whole configuration (defaults when absent, e.g. in benchmarks). */
  config?: Readonly<Config>;
  /** Called after a watch is created or edited in the dashboard (the service re-syncs schedules). */
  onWatchesChanged?: () => Promise<void>;
  /** The per-account sign-in limit, which mails an account's owner after repeated failures. */
  loginGuard: LoginGuard;
}

/** What the route modules share: repositories, ports, settings and the page renderer. */
export interface WebContext extends WebRepos, AdminPorts {
  config: Readonly<Pick<Config, 'server' | 'network'>> & { web: WebSettings };
  evidence: EvidencePort;
  alerts: AlertsPort;
  lookalikes: LookalikesPort;
  /** The per-account sign-in limit (and the mail to an account's owner after failures). */
  loginGuard: LoginGuard;
  render(
    req: FastifyRequest,
    reply: FastifyReply,
    page: string,
    data: Record<string, unknown>,
  ): Promise<FastifyReply>;
  /** Whether cookies of this request must be marked Secure. */
  secureCookies(req: FastifyRequest): boolean;
  /** After a watch is created or edited: its poll schedule follows at once (no restart needed). */
  watchesChanged(): Promise<void>;
}

export const SESSION_COOKIE = 'vigie_session';

/** Paths reachable without a session besides routes marked `config.public`. */
export const PUBLIC_PREFIXES = ['/static/', '/unsubscribe'];

/** The API takes bearer tokens, never the session cookie. */
export function isApi(url: string): boolean {
  return url === '/api/v1' || url.startsWith('/api/v1/');
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** What an error page says instead, in the reader's language (the API keeps `message`). */
    readonly pageKey?: MessageKey,
  ) {
    super(message);
  }
}

/** A local path to go back to after a form post; anything else (//evil, /\t/evil, https://…) becomes `fallback`. */
export function safeBack(value: unknown, fallback = '/'): string {
  return sameOriginPath(value, fallback);
}

export const html = { 200: { type: 'string' }, '4xx': {} } as const;

/** A one-time link's token in the path (set-password and invitation links). */
export const tokenParams = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', minLength: 20, maxLength: 100 } },
} as const;

/**
 * Route options of a public form that chooses a password through a one-time link: rate-limited
 * like the sign-in, the password bounded so that hashing it costs nothing unusual.
 */
export function passwordLinkRoute(loginAttemptsPerMinute: number) {
  return {
    config: { public: true, rateLimit: { max: loginAttemptsPerMinute, timeWindow: 60_000 } },
    schema: {
      params: tokenParams,
      body: {
        type: 'object',
        required: ['password'],
        properties: { password: { type: 'string', maxLength: 1024 }, _csrf: { type: 'string' } },
      },
      response: html,
    },
  } as const;
}
export const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;
