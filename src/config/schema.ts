import { z } from 'zod';
import { isPostgresUrl } from './database-url.ts';
import { cronExpression, httpUrl, level, watchSchema } from './watch-schema.ts';

// One schema for the whole configuration: every object is strict so that a misspelt key
// fails at start with its path, instead of being silently ignored.

// Bluesky, Mastodon, Reddit, Hacker News: shared knobs; every base URL can point at a proxy or a fake.
const socialKnobs = {
  timeoutMs: z.number().int().positive().default(30_000),
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** A rate limit resetting sooner than this is waited out; later ones end the poll (retried at the reset). */
  maxRateLimitWaitMs: z
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
  /** Pages read per poll at most: a huge backlog is read over several polls. */
  maxPages: z.number().int().min(1).max(1000).default(20),
};
const blueskySourceSchema = z
  .object({
    service: httpUrl.default('https://bsky.social'),
    /**
     * The AppView the deletion watch asks, without a session (a block must not look like a
     * deletion): the public one, or a self-hosted or mirrored AppView.
     */
    appViewUrl: httpUrl.default('https://public.api.bsky.app'),
    identifier: z.string().min(1).optional(),
    appPassword: z.string().min(1).optional(),
    ...socialKnobs,
  })
  .strict()
  .prefault({});
const mastodonSourceSchema = z
  .object({
    instance: httpUrl.default('https://mastodon.social'),
    accessToken: z.string().min(1).optional(),
    ...socialKnobs,
  })
  .strict()
  .prefault({});
const redditSourceSchema = z
  .object({
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    userAgent: z.string().min(1).default('server:vigie:0.1 (self-hosted mention watch)'),
    authUrl: httpUrl.default('https://www.reddit.com'),
    apiUrl: httpUrl.default('https://oauth.reddit.com'),
    ...socialKnobs,
  })
  .strict()
  .prefault({});
const hackernewsSourceSchema = z
  .object({ baseUrl: httpUrl.default('https://hn.algolia.com'), ...socialKnobs })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    /**
     * Where the data lives: absent, the embedded SQLite file in dataDir; a `postgres://` URL, a
     * PostgreSQL database (several machines, `vigie db copy` to move). The URL may hold a password:
     * it is never written to a log or an error (database-url.ts redacts it).
     */
    database: z
      .object({
        url: z
          .string()
          .refine(isPostgresUrl, {
            // The value itself is not repeated: it may hold a password.
            message:
              'expected a PostgreSQL URL such as postgres://user:password@host:5432/vigie (leave it out to keep the embedded SQLite file)',
          })
          .optional(),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        /** Address people use to reach the dashboard, for links in e-mails. */
        publicUrl: httpUrl.optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3000 }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
    /** The dashboard's accounts and sessions (src/web/). */
    web: z
      .object({
        /** A login lasts this long, then the person signs in again. */
        sessionHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(12),
        /**
         * Sign-in attempts allowed per client address and minute. Generous, so people behind one
         * address (a household, an office) never lock each other out; guessing one account is
         * stopped by the strict per-account limit (web/auth/login-guard.ts).
         */
        loginAttemptsPerMinute: z.number().int().min(1).max(1000).default(30),
        /** `auto`: Secure cookies when server.publicUrl is https or the request came over https. */
        secureCookies: z.enum(['auto', 'always', 'never']).default('auto'),
        /** Trust X-Forwarded-* from a reverse proxy in front of Vigie (client address, https). */
        trustProxy: z.boolean().default(false),
        /** How long a one-time set-password link stays valid. */
        passwordLinkHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 14)
          .default(48),
        /**
         * The first-run setup link answers only requests from this machine (127.0.0.1, ::1).
         * Behind a reverse proxy on another host (with trustProxy), set true to open it to the
         * client address the proxy reports; the link's secret token still guards it.
         */
        setupFromAnyAddress: z.boolean().default(false),
      })
      .strict()
      .default({
        sessionHours: 12,
        loginAttemptsPerMinute: 30,
        secureCookies: 'auto',
        trustProxy: false,
        passwordLinkHours: 48,
        setupFromAnyAddress: false,
      }),
    sources: z
      .object({
        x: z
          .object({
            bearerToken: z.string().min(1).optional(),
            baseUrl: httpUrl.default('https://api.x.com'),
            timeoutMs: z.number().int().positive().default(30_000),
            maxRetries: z.number().int().min(0).max(10).default(3),
            /** A 429 whose reset is further away than this ends the poll (retried later) instead of waiting. */
            maxRateLimitWaitMs: z
              .number()
              .int()
              .min(0)
              .default(15 * 60_000),
          })
          .strict()
          .default({
            baseUrl: 'https://api.x.com',
            timeoutMs: 30_000,
            maxRetries: 3,
            maxRateLimitWaitMs: 15 * 60_000,
          }),
        feeds: z
          .object({
            timeoutMs: z.number().int().positive().default(30_000),
            maxRetries: z.number().int().min(0).max(10).default(2),
            userAgent: z.string().min(1).default('Vigie/0.1 (+self-hosted mention watch)'),
          })
          .strict()
          .default({ timeoutMs: 30_000, maxRetries: 2, userAgent: 'Vigie/0.1 (+self-hosted mention watch)' }),
        bluesky: blueskySourceSchema,
        mastodon: mastodonSourceSchema,
        reddit: redditSourceSchema,
        hackernews: hackernewsSourceSchema,
      })
      .strict()
      .default({
        bluesky: blueskySourceSchema.parse(undefined),
        mastodon: mastodonSourceSchema.parse(undefined),
        reddit: redditSourceSchema.parse(undefined),
        hackernews: hackernewsSourceSchema.parse(undefined),
        x: {
          baseUrl: 'https://api.x.com',
          timeoutMs: 30_000,
          maxRetries: 3,
          maxRateLimitWaitMs: 15 * 60_000,
        },
        feeds: { timeoutMs: 30_000, maxRetries: 2, userAgent: 'Vigie/0.1 (+self-hosted mention watch)' },
      }),
    jobs: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(4),
        maxAttempts: z.number().int().min(1).max(20).default(5),
        /** First retry delay; doubles on every attempt. */
        backoffMs: z.number().int().min(0).default(5_000),
      })
      .strict()
      .default({ concurrency: 4, maxAttempts: 5, backoffMs: 5_000 }),
    /** Distributed mode (BullMQ on Redis): on when `redisUrl` (or REDIS_URL) is set. */
    queue: z
      .object({
        redisUrl: z
          .string()
          .regex(/^rediss?:\/\/\S+$/, { message: 'expected a Redis URL such as redis://127.0.0.1:6379' })
          .optional(),
        /** Namespace of every Redis key, so several installations can share one Redis. */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'expected a short prefix: letters, digits, _ . or -' })
          .default('vigie'),
        /** Finished jobs kept per queue for `vigie queues` (older ones are deleted). */
        removeOnComplete: z.number().int().min(0).max(100_000).default(1000),
        removeOnFail: z.number().int().min(0).max(100_000).default(5000),
        /** A job whose worker stops renewing its lock this long (crash, SIGKILL) is given to another worker. */
        lockDurationMs: z.number().int().min(1000).default(60_000),
        /** How often workers look for such stalled jobs. */
        stalledIntervalMs: z.number().int().min(500).default(30_000),
        /** On a rate limit (429), the whole queue waits at most this long; the job itself waits for the reset. */
        rateLimitPauseMaxMs: z.number().int().min(0).default(60_000),
      })
      .strict()
      .default({
        prefix: 'vigie',
        removeOnComplete: 1000,
        removeOnFail: 5000,
        lockDurationMs: 60_000,
        stalledIntervalMs: 30_000,
        rateLimitPauseMaxMs: 60_000,
      }),
    security: z
      .object({
        /** AES-256-GCM key for private information at rest: 64 hex characters (openssl rand -hex 32). */
        encryptionKey: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, { message: 'expected 64 hex characters (openssl rand -hex 32)' })
          .optional(),
      })
      .strict()
      .prefault({}),
    mail: z
      .object({
        from: z.string().min(3).default('Vigie <vigie@localhost>'),
        /** Without SMTP, messages are written as .eml files to the outbox folder. */
        smtp: z
          .object({
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535).default(587),
            secure: z.boolean().default(false),
            user: z.string().min(1).optional(),
            pass: z.string().min(1).optional(),
            timeoutMs: z.number().int().positive().default(60_000),
          })
          .strict()
          .optional(),
        /** Relative to dataDir. */
        outboxDir: z.string().min(1).default('outbox'),
      })
      .strict()
      .default({ from: 'Vigie <vigie@localhost>', outboxDir: 'outbox' }),
    alerts: z
      .object({
        /** Immediate alert messages per recipient and rolling hour; beyond, one grouped message. */
        maxPerHour: z.number().int().min(1).max(100).default(5),
        /** How often digests, held alerts and waves are looked at. */
        tick: cronExpression.default('*/5 * * * *'),
        wave: z
          .object({
            factor: z.number().min(1).default(3),
            minCount: z.number().int().min(1).default(10),
            quietMinutes: z.number().int().min(1).default(180),
            baselineHalfLifeDays: z.number().positive().default(14),
          })
          .strict()
          .default({ factor: 3, minCount: 10, quietMinutes: 180, baselineHalfLifeDays: 14 }),
        digestSchedule: z
          .object({
            /** Local hour (recipient's time zone) at which daily and weekly periods end. */
            hour: z.number().int().min(0).max(23).default(8),
            /** Day the weekly period ends: 0 = Sunday … 1 = Monday … 6 = Saturday. */
            weekday: z.number().int().min(0).max(6).default(1),
          })
          .strict()
          .default({ hour: 8, weekday: 1 }),
        /** Signs unsubscribe links; generated and kept in the database when unset. */
        unsubscribeSecret: z.string().min(16).optional(),
        /** A new look-alike account at least this similar (0..1) alerts the proxies at once. */
        lookalikeMinSimilarity: z.number().min(0.75).max(1).default(0.9),
      })
      .strict()
      .default({
        maxPerHour: 5,
        tick: '*/5 * * * *',
        wave: { factor: 3, minCount: 10, quietMinutes: 180, baselineHalfLifeDays: 14 },
        digestSchedule: { hour: 8, weekday: 1 },
        lookalikeMinSimilarity: 0.9,
      }),
    /**
     * Notification channels beyond e-mail: the server-level settings. Each person adds their own
     * targets (webhook URL, ntfy topic, Telegram chat, Matrix room, Signal number) in the dashboard.
     */
    notifications: z
      .object({
        /** Per HTTP request to a channel's server. */
        timeoutMs: z.number().int().min(100).default(15_000),
        /** Tries within one delivery attempt on 5xx, 429 and network errors (then the next tick retries). */
        maxTries: z.number().int().min(1).max(10).default(3),
        /** First wait between those tries; doubles each time. */
        retryDelayMs: z.number().int().min(0).default(1_000),
        /** A rate limit asking to wait longer than this ends the attempt (the row waits until then). */
        maxRateLimitWaitMs: z.number().int().min(0).default(30_000),
        /**
         * Let the server-level endpoints below (ntfy server, Matrix homeserver, signal-cli REST API)
         * be on a private or loopback address, as a self-hosted relay usually is. Webhook URLs,
         * typed by each person, still follow `network`.
         */
        allowPrivateServers: z.boolean().default(false),
        ntfy: z
          .object({
            serverUrl: httpUrl.default('https://ntfy.sh'),
            /** Access token (Bearer) for a protected server or topic. */
            token: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
        telegram: z
          .object({
            apiUrl: httpUrl.default('https://api.telegram.org'),
            /** From @BotFather; each person gives the chat id the bot writes to. */
            botToken: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
        matrix: z
          .object({
            homeserverUrl: httpUrl.optional(),
            /** The access token of the account Vigie posts as (it must have joined each room). */
            accessToken: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
        signal: z
          .object({
            /** A signal-cli REST API (https://github.com/bbernhard/signal-cli-rest-api). */
            apiUrl: httpUrl.optional(),
            /** The registered number Vigie sends from, e.g. +33612345678. */
            number: z
              .string()
              .regex(/^\+[1-9][0-9]{6,14}$/, { message: 'expected a number like +33612345678' })
              .optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Hostility scoring. */
    scoring: z
      .object({
        /**
         * The learned layer: weights of words learned from public labelled corpora, added to the
         * rules. Finds more hostile posts (macro F1 0.46 → 0.51 on the development corpora) at the
         * cost of more false alarms with weaker explanations; off by default (see README).
         */
        learned: z.boolean().default(false),
      })
      .strict()
      .default({ learned: false }),
    /** Evidence: Wayback Machine captures (Save Page Now 2), the deletion watch, trusted timestamps. */
    archive: z
      .object({
        wayback: z
          .object({
            baseUrl: httpUrl.default('https://web.archive.org'),
            availabilityUrl: httpUrl.default('https://archive.org/wayback/available'),
            /** archive.org S3-like keys (https://archive.org/account/s3.php): higher limits than anonymous saves. */
            accessKey: z.string().min(1).optional(),
            secretKey: z.string().min(1).optional(),
            /** Captures submitted per window at most, across every process sharing the database. */
            ratePerMinute: z.number().int().min(1).max(60).default(5),
            /** The window the rate counts over (keep 60000; tests shorten it). */
            rateWindowMs: z.number().int().min(100).default(60_000),
            /** A capture still pending after this long is submitted again later. */
            pendingTimeoutMs: z
              .number()
              .int()
              .min(1000)
              .default(10 * 60_000),
            /** How often a pending capture's status is asked. */
            statusPollMs: z.number().int().min(10).default(15_000),
            /** Per HTTP request to the Wayback Machine. */
            timeoutMs: z.number().int().min(100).default(60_000),
            /** After this many failed submissions of one post, it is marked failed (shown, no more retries). */
            maxAttempts: z.number().int().min(1).max(100).default(8),
            /** First wait after a failed or refused submission; doubles on every attempt. */
            retryDelayMs: z
              .number()
              .int()
              .min(0)
              .default(5 * 60_000),
          })
          .strict()
          .refine((w) => (w.accessKey === undefined) === (w.secretKey === undefined), {
            message:
              'set both accessKey and secretKey (or VIGIE_WAYBACK_ACCESS_KEY and VIGIE_WAYBACK_SECRET_KEY), or neither',
          })
          .prefault({}),
        /** Posts at this level or above are archived, unless a watch sets its own archiveMinLevel. */
        minLevel: level.default('medium'),
        deletionCheck: z
          .object({
            /** When archived posts are checked again upstream (deleted posts are recorded in the ledger). */
            schedule: cronExpression.default('17 */6 * * *'),
            /** Posts checked per run at most (the least recently checked first). */
            batchSize: z.number().int().min(1).max(10_000).default(500),
            timeoutMs: z.number().int().min(100).default(30_000),
          })
          .strict()
          .prefault({}),
        /** RFC 3161 timestamp authority (e.g. https://freetsa.org/tsr): dossier manifests get a trusted timestamp. */
        timestampAuthorityUrl: httpUrl.optional(),
        /**
         * RFC 3161 timestamp authorities, each asked independently (one down does not block the
         * others; every token is kept). `timestampAuthorityUrl`, when set, is one more.
         */
        timestampAuthorities: z.array(httpUrl).max(10).default([]),
        /**
         * PEM files of the roots (or authority certificates) a token must chain to; tokens that do
         * not are refused when asked for. Empty: any time-stamping certificate, named in the dossier.
         */
        timestampTrustedCertificates: z.array(z.string().min(1)).default([]),
        /** When the custody ledger's head is time-stamped by every authority (when it moved since). */
        ledgerTimestampSchedule: cronExpression.default('41 * * * *'),
      })
      .strict()
      .prefault({}),
    /**
     * Local captures of every post due for archiving, in a headless browser: a full-page PNG, a PDF
     * and a WARC of the page as received, with a collection-log row in the custody ledger.
     */
    capture: z
      .object({
        enabled: z.boolean().default(true),
        /** Chromium's executable; /usr/bin/chromium (Debian's package) when unset. */
        browserPath: z.string().min(1).optional(),
        /** Pages captured at once by one process (a browser is heavy). */
        concurrency: z.number().int().min(1).max(8).default(1),
        /** Waiting for the page to load. */
        navigationTimeoutMs: z.number().int().min(100).default(30_000),
        /** The whole capture: page, screenshot, PDF, WARC. */
        captureTimeoutMs: z.number().int().min(500).default(90_000),
        /** The browser's process ends after this long without a capture (it starts again at the next one). */
        idleExitMs: z.number().int().min(100).default(60_000),
        /** Failed captures of one post before it is marked failed. */
        maxAttempts: z.number().int().min(1).max(50).default(4),
        /** First wait after a failed capture; doubles on every attempt. */
        retryDelayMs: z
          .number()
          .int()
          .min(0)
          .default(5 * 60_000),
        /** After this many browser failures in a row, captures stop for `breakerPauseMs` (and the status says so). */
        breakerThreshold: z.number().int().min(1).max(100).default(5),
        breakerPauseMs: z
          .number()
          .int()
          .min(100)
          .default(15 * 60_000),
        /** Accept invalid TLS certificates (a self-signed intranet site); recorded in each collection log row. */
        ignoreTlsErrors: z.boolean().default(false),
        /** X posts: the public embed page (no login), `?id=` is added. */
        xEmbedUrl: httpUrl.default('https://platform.twitter.com/embed/Tweet.html'),
        viewportWidth: z.number().int().min(320).max(3840).default(1280),
        viewportHeight: z.number().int().min(320).max(4320).default(900),
      })
      .strict()
      .prefault({}),
    /** Outbound requests to URLs people typed or posts carry (feeds, deletion checks). */
    network: z
      .object({
        /** Let those requests reach private, loopback and unique-local addresses (an intranet feed). */
        allowPrivateAddresses: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    watches: z.array(watchSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.watches.forEach((w, i) => {
      if (seen.has(w.id))
        ctx.addIssue({ code: 'custom', path: ['watches', i, 'id'], message: `duplicate watch id "${w.id}"` });
      seen.add(w.id);
      if (w.x && !cfg.sources.x.bearerToken) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', 'x', 'bearerToken'],
          message: `watch "${w.id}" uses X: set sources.x.bearerToken or VIGIE_X_BEARER_TOKEN`,
        });
      }
      for (const issue of identitySourceIssues(cfg, w)) ctx.addIssue({ code: 'custom', ...issue });
    });
  });

export type Config = z.output<typeof configSchema>;
export type WatchConfig = Config['watches'][number];

/** A watch using a source (or private information) whose credentials (or key) are missing. */
function identitySourceIssues(
  cfg: { sources: Record<string, Record<string, unknown>>; security: { encryptionKey?: string | undefined } },
  w: {
    id: string;
    bluesky?: unknown;
    mastodon?: { queries: string[] } | undefined;
    reddit?: unknown;
    private?: Record<string, string[]> | undefined;
  },
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const need = (source: string, key: string, env: string | undefined) => {
    if (cfg.sources[source]?.[key]) return;
    out.push({
      path: ['sources', source, key],
      message: `watch "${w.id}" uses ${source}: set sources.${source}.${key}${env ? ` or ${env}` : ''}`,
    });
  };
  if (w.bluesky) {
    need('bluesky', 'identifier', undefined);
    need('bluesky', 'appPassword', 'VIGIE_BLUESKY_APP_PASSWORD');
  }
  if (w.mastodon && w.mastodon.queries.length > 0) need('mastodon', 'accessToken', 'VIGIE_MASTODON_TOKEN');
  if (w.reddit) {
    need('reddit', 'clientId', undefined);
    need('reddit', 'clientSecret', 'VIGIE_REDDIT_CLIENT_SECRET');
  }
  const hasPrivate = w.private && Object.values(w.private).some((list) => list.length > 0);
  if (hasPrivate && !cfg.security.encryptionKey) {
    out.push({
      path: ['security', 'encryptionKey'],
      message: `watch "${w.id}" holds private information: set security.encryptionKey or VIGIE_ENCRYPTION_KEY (64 hex characters) so it is encrypted at rest`,
    });
  }
  return out;
}
