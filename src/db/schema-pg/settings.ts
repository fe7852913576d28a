import { pgTable, text, bigint, boolean } from 'drizzle-orm/pg-core';

/**
 * Settings changed from the dashboard (SMTP, source credentials…), laid over the configuration
 * file. Secrets are stored sealed (AES-256-GCM with the installation's key, the path bound as
 * associated data); other values as JSON. Only paths listed in config/editable-settings.ts.
 */
export const settings = pgTable('settings', {
  /** The configuration path, e.g. `mail.smtp.host`. */
  path: text('path').primaryKey(),
  /** JSON of the value, or the sealed blob when `secret` is 1. */
  value: text('value').notNull(),
  secret: boolean('secret').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  /** Who changed it (e-mail), for the settings page; the audit log keeps the history. */
  updatedBy: text('updated_by'),
});
