import pino from 'pino';
import { loadConfig, ConfigError } from '../config/load.ts';
import { createLogger, type Logger } from '../logger.ts';
import { createDeps, type Deps } from '../deps.ts';
import type { Config } from '../config/schema.ts';
import { openDataDir } from './data-dir-open.ts';

export interface GlobalOptions {
  config?: string;
}

/**
 * Loads the configuration and builds the dependencies for one CLI command. `readOnly` commands
 * (listings) open the database read-only and never create anything, so they work on a full disk.
 */
export function commandContext(
  opts: GlobalOptions,
  logTo: 'stdout' | 'stderr' = 'stderr',
  mode: { readOnly?: boolean } = {},
): { config: Readonly<Config>; log: Logger; deps: Deps } {
  const { config } = loadConfig({ configPath: opts.config });
  const db = openDataDir(config, mode.readOnly ?? false);
  const log = createLogger(config.log.level, logTo === 'stderr' ? pino.destination(2) : undefined);
  const deps = createDeps(config, log, db ? { db } : {});
  return { config, log, deps };
}

/** Runs a command body with the dependencies, and closes them (queues, database) whatever happens. */
export async function withDeps<T>(
  opts: GlobalOptions,
  body: (ctx: ReturnType<typeof commandContext>) => Promise<T>,
  mode: { readOnly?: boolean } = {},
): Promise<T> {
  const ctx = commandContext(opts, 'stderr', mode);
  try {
    return await body(ctx);
  } finally {
    await ctx.deps.close();
  }
}

/** Runs a command body, mapping configuration errors to exit 2 and other failures to exit 1. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vigie: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`vigie: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`vigie: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

/** A bad command-line argument: exit 2 with the message. */
export class UsageError extends Error {}

export function parseIsoDate(value: string, flag: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new UsageError(
      `${flag}: expected an ISO date such as 2026-11-01 or 2026-11-01T08:00:00Z, got "${value}"`,
    );
  return t;
}

export function requireWatch(deps: Deps, id: string | undefined): void {
  if (id && !deps.watches.get(id)) throw new UsageError(`--watch: no watch with id "${id}"`);
}
