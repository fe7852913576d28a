import { z } from 'zod';
import cron from 'node-cron';

// One schema for the whole configuration: every object is strict so that a misspelt key
// fails at start with its path, instead of being silently ignored.

const cronExpression = z
  .string()
  .refine((v) => cron.validate(v), { message: 'expected a cron expression such as "*/5 * * * *"' });

const xHandle = z
  .string()
  .regex(/^@?[A-Za-z0-9_]{1,15}$/, { message: 'expected an X user name (1-15 letters, digits or _)' })
  .transform((v) => v.replace(/^@/, ''));

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });

const level = z.enum(['none', 'low', 'medium', 'high', 'severe']);
const category = z.enum([
  'insult',
  'threat',
  'sexual_harassment',
  'suicide_incitement',
  'hate',
  'doxxing_language',
  'profanity',
  'doxxing',
  'impersonation',
]);

const watchSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'expected a short id: lower-case letters, digits, - or _' }),
    names: z.array(z.string().min(1)).min(1, { message: 'expected at least one name of the watched person' }),
    x: z
      .object({
        handle: xHandle.optional(),
        search: z.string().min(1).max(512).optional(),
      })
      .strict()
      .optional(),
    feeds: z.array(httpUrl).default([]),
    schedule: cronExpression.default('*/5 * * * *'),
    /** The person's own accounts: never flagged as look-alikes, their posts are not hostile mentions. */
    ownAccounts: z.array(z.string().min(1)).default([]),
    words: z
      .object({
        flag: z
          .array(
            z
              .object({ term: z.string().min(1), category: category.default('insult'), severity: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2) })
              .strict(),
          )
          .default([]),
        never: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ flag: [], never: [] }),
    archiveMinLevel: level.default('medium'),
  })
  .strict();

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./data'),
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
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    sources: z
      .object({
        x: z
          .object({
            bearerToken: z.string().min(1).optional(),
            baseUrl: httpUrl.default('https://api.x.com'),
            timeoutMs: z.number().int().positive().default(30_000),
            maxRetries: z.number().int().min(0).max(10).default(3),
            /** A 429 whose reset is further away than this ends the poll (retried later) instead of waiting. */
            maxRateLimitWaitMs: z.number().int().min(0).default(15 * 60_000),
          })
          .strict()
          .default({ baseUrl: 'https://api.x.com', timeoutMs: 30_000, maxRetries: 3, maxRateLimitWaitMs: 15 * 60_000 }),
        feeds: z
          .object({
            timeoutMs: z.number().int().positive().default(30_000),
            maxRetries: z.number().int().min(0).max(10).default(2),
            userAgent: z.string().min(1).default('Vigie/0.1 (+self-hosted mention watch)'),
          })
          .strict()
          .default({ timeoutMs: 30_000, maxRetries: 2, userAgent: 'Vigie/0.1 (+self-hosted mention watch)' }),
      })
      .strict()
      .default({
        x: { baseUrl: 'https://api.x.com', timeoutMs: 30_000, maxRetries: 3, maxRateLimitWaitMs: 15 * 60_000 },
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
    watches: z.array(watchSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.watches.forEach((w, i) => {
      if (seen.has(w.id)) ctx.addIssue({ code: 'custom', path: ['watches', i, 'id'], message: `duplicate watch id "${w.id}"` });
      seen.add(w.id);
      if (w.x && !cfg.sources.x.bearerToken) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', 'x', 'bearerToken'],
          message: `watch "${w.id}" uses X: set sources.x.bearerToken or VIGIE_X_BEARER_TOKEN`,
        });
      }
    });
  });

export type Config = z.output<typeof configSchema>;
export type WatchConfig = Config['watches'][number];
