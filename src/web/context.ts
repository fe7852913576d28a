import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { PostsRepo } from '../db/repositories/posts-repo.ts';
import type { SourcesRepo } from '../db/repositories/sources-repo.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { AuditRepo } from './audit-repo.ts';
import type { Role, SessionUser, User, UsersRepo } from './auth/users-repo.ts';
import type { TriageRepo } from './triage-repo.ts';
import type { AlertsPort, EvidencePort } from './integrations.ts';
import type { Translate, UiLang } from './i18n/index.ts';
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
  }
}

export interface WebSettings {
  sessionHours: number;
  loginAttemptsPerMinute: number;
  secureCookies: 'auto' | 'always' | 'never';
  trustProxy: boolean;
  passwordLinkHours: number;
}

/** What the route modules share: repositories, ports, settings and the page renderer. */
export interface WebContext {
  db: Db;
  log: Logger;
  config: Readonly<Pick<Config, 'server' | 'network'>> & { web: WebSettings };
  posts: PostsRepo;
  watches: WatchesRepo;
  sources: SourcesRepo;
  users: UsersRepo;
  triage: TriageRepo;
  audit: AuditRepo;
  evidence: EvidencePort;
  alerts: AlertsPort;
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

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The watches this user may see; a request for another watch is refused as if it did not exist. */
export function assertWatch(user: User | null, watchId: string): void {
  if (!user || !user.watchIds.includes(watchId)) throw new HttpError(404, 'no such watch');
}

/** A local path to go back to after a form post; anything else (//evil, /\t/evil, https://…) becomes `fallback`. */
export function safeBack(value: unknown, fallback = '/'): string {
  return sameOriginPath(value, fallback);
}

export const html = { 200: { type: 'string' }, '4xx': {} } as const;
export const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;
