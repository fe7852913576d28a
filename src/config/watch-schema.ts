import { z } from 'zod';
import cron from 'node-cron';
import { CATEGORIES } from '../scoring/types.ts';

// A watch's definition (who is watched, where, and who is told), and the value types the whole
// configuration shares. Strict objects: a misspelt key fails at start with its path.

export const cronExpression = z
  .string()
  .refine((v) => cron.validate(v), { message: 'expected a cron expression such as "*/5 * * * *"' });

export const xHandle = z
  .string()
  .regex(/^@?[A-Za-z0-9_]{1,15}$/, { message: 'expected an X user name (1-15 letters, digits or _)' })
  .transform((v) => v.replace(/^@/, ''));

export const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });

export const level = z.enum(['none', 'low', 'medium', 'high', 'severe']);
export const category = z.enum(CATEGORIES);

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a time of day such as "22:00"' });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as "Europe/Paris"' },
);

const recipientSchema = z
  .object({
    email: z.email({ message: 'expected an e-mail address' }),
    role: z.enum(['owner', 'proxy', 'reviewer']),
    language: z.enum(['fr', 'en']).default('fr'),
    digest: z.enum(['hourly', 'daily', 'weekly', 'off']).default('daily'),
    /** Immediate alerts (threats, doxxing, severe posts, wave starts). Default: proxies only. */
    alerts: z.boolean().optional(),
    timezone: timeZone.default('Europe/Paris'),
    /** Non-urgent mail (digests, all-clear) waits until the end of these local hours. */
    quietHours: z.object({ from: clockTime, to: clockTime }).strict().optional(),
    /** The "wave has subsided" message. Default: owner and proxies. */
    allClear: z.boolean().optional(),
  })
  .strict();

export const watchSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      message: 'expected a short id: lower-case letters, digits, - or _',
    }),
    names: z.array(z.string().min(1)).min(1, { message: 'expected at least one name of the watched person' }),
    x: z
      .object({
        handle: xHandle.optional(),
        search: z.string().min(1).max(512).optional(),
      })
      .strict()
      .optional(),
    feeds: z.array(httpUrl).default([]),
    /** Bluesky: post searches (names, `mentions:`…) and the person's own handle (mentions of it, never a look-alike). */
    bluesky: z
      .object({
        queries: z.array(z.string().min(1).max(512)).default([]),
        handle: z
          .string()
          .regex(/^@?[a-z0-9][a-z0-9.-]{1,252}$/i, {
            message: 'expected a Bluesky handle such as alice.bsky.social',
          })
          .transform((v) => v.replace(/^@/, '').toLowerCase())
          .optional(),
      })
      .strict()
      .optional(),
    /** Mastodon: public hashtag timelines; status searches need sources.mastodon.accessToken. */
    mastodon: z
      .object({
        hashtags: z
          .array(
            z
              .string()
              .regex(/^#?[\p{L}\p{N}_]{1,100}$/u, { message: 'expected a hashtag (letters, digits, _)' })
              .transform((v) => v.replace(/^#/, '')),
          )
          .default([]),
        queries: z.array(z.string().min(1).max(512)).default([]),
      })
      .strict()
      .optional(),
    reddit: z
      .object({ queries: z.array(z.string().min(1).max(512)).min(1) })
      .strict()
      .optional(),
    hackernews: z
      .object({ queries: z.array(z.string().min(1).max(512)).min(1) })
      .strict()
      .optional(),
    /**
     * Private information to guard against doxxing. Encrypted at rest (security.encryptionKey);
     * stripped from the stored watch definition, never logged, never in digests.
     */
    private: z
      .object({
        phones: z.array(z.string().min(4)).default([]),
        emails: z.array(z.string().min(3)).default([]),
        addresses: z.array(z.string().min(4)).default([]),
        workplaces: z.array(z.string().min(2)).default([]),
        relatives: z.array(z.string().min(2)).default([]),
      })
      .strict()
      .optional(),
    schedule: cronExpression.default('*/5 * * * *'),
    /** The person's own accounts: never flagged as look-alikes, their posts are not hostile mentions. */
    ownAccounts: z.array(z.string().min(1)).default([]),
    words: z
      .object({
        flag: z
          .array(
            z
              .object({
                term: z.string().min(1),
                category: category.default('insult'),
                severity: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2),
              })
              .strict(),
          )
          .default([]),
        never: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ flag: [], never: [] }),
    /** Posts at this level or above are archived as evidence; unset: archive.minLevel. */
    archiveMinLevel: level.optional(),
    /** Who is told what about this watch (alerts, digests, all-clear): see src/alerts/. */
    recipients: z.array(recipientSchema).optional(),
    /**
     * How the owner is shielded from post text. `review` (default when absent): no text unless a
     * proxy marked the post harmless or the owner reveals it. `scorer`: for an owner without
     * proxies, the text the scorer found harmless is shown, the rest withheld until revealed.
     */
    ownerShield: z.enum(['review', 'scorer']).optional(),
  })
  .strict();
