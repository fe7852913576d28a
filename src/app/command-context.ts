import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger, type LogFormat, type Logger } from '../logger.ts';
import { createDeps, type Deps } from './deps.ts';
import { isDistributed, loadBullmqDriver } from './job-driver.ts';
import type { JobDriver } from '../jobs/types.ts';
import { openDataDir } from './data-dir-open.ts';

export interface GlobalOptions {
  config?: string;
  /** `--log-format`: auto (pretty on a terminal, JSON otherwise), json or pretty. */
  logFormat?: LogFormat;
}

export interface CommandMode {
  /** Open the database read-only, create nothing (listings: they work on a full disk). */
  readOnly?: boolean;
  /** The job driver of this command, instead of the configured one (`poll --once` runs its jobs itself). */
  driver?: (deps: { log: Logger }) => JobDriver;
}

/**
 * Loads the configuration and builds the dependencies for one CLI command. `readOnly` commands
 * (listings) open the database read-only and never create anything, so they work on a full disk.
 */
export async function commandContext(
  opts: GlobalOptions,
  logTo: 'stdout' | 'stderr' = 'stderr',
  mode: CommandMode = {},
): Promise<CommandContext> {
  const { config, locked } = loadConfig({ configPath: opts.config });
  const store = await openDataDir(config, mode.readOnly ?? false);
  const log = createLogger(config.log.level, logTo === 'stderr' ? 2 : 1, opts.logFormat);
  const deps = await createDeps(config, log, {
    ...(store ? { store } : {}),
    locked,
    driver: mode.driver?.({ log }),
  });
  return { config, log, deps };
}

export interface CommandContext {
  config: Readonly<Config>;
  log: Logger;
  deps: Deps;
}

/** Runs a command body with the dependencies, and closes them (queues, database) whatever happens. */
export async function withDeps<T>(
  opts: GlobalOptions,
  body: (ctx: CommandContext) => Promise<T>,
  mode: CommandMode = {},
): Promise<T> {
  const ctx = await commandContext(opts, 'stderr', mode);
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
export async function operationsDriver(opts: GlobalOptions) {
  const { config } = loadConfig({ configPath: opts.config });
  if (!isDistributed(config)) return undefined;
  return loadBullmqDriver(config, createLogger(config.log.level, 2, opts.logFormat));
}
