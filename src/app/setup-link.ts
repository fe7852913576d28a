import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Deps } from './deps.ts';

/**
 * Prints the first-run setup link on the console: a fresh one-time token, valid for an hour.
 * The link names the address the service listens on (or publicUrl), so it can be opened as is.
 * Also makes sure the encryption key exists, so its back-up warning shows at the first start.
 */
export function printSetupLink(
  deps: Deps,
  config: Readonly<Config>,
  app: FastifyInstance,
  log: Logger,
): void {
  deps.encryptionKey();
  const token = deps.setupGate.issue();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host =
    config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const base =
    config.server.publicUrl?.replace(/\/+$/, '') ??
    `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.warn(
    `no account yet: open ${base}/setup/${token} within an hour to create the owner account (or run \`npx vigie user add --email you@example.org --role owner --watch ID\`)`,
  );
}
