import pino from 'pino';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger, type Logger } from '../logger.ts';
import { isBullmqDriver } from '../jobs/bullmq-driver.ts';
import { createDeps, type Deps } from './deps.ts';
import { createJobDriver, isDistributed } from './job-driver.ts';
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
  const { config, locked } = loadConfig({ configPath: opts.config });
  const db = openDataDir(config, mode.readOnly ?? false);
  const log = createLogger(config.log.level, logTo === 'stderr' ? pino.destination(2) : undefined);
  const deps = createDeps(config, log, db ? { db, locked } : { locked });
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

/**
 * The BullMQ driver alone, for queue operations commands (no database needed); undefined when no
 * Redis is configured.
 */
export function operationsDriver(opts: GlobalOptions) {
  const { config } = loadConfig({ configPath: opts.config });
  if (!isDistributed(config)) return undefined;
  const driver = createJobDriver(config, createLogger(config.log.level, pino.destination(2)));
  return isBullmqDriver(driver) ? driver : undefined;
}
