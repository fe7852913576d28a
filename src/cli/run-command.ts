import type { Deps } from '../app/deps.ts';
import type { CommandContext, CommandMode, GlobalOptions } from '../app/command-context.ts';

// This module is loaded by every command definition, so it stays light: the composition root
// (database, queues, web, every feature) is imported only when a command runs.
export type { GlobalOptions };

type ContextModule = typeof import('../app/command-context.ts');
const contextModule = (): Promise<ContextModule> => import('../app/command-context.ts');

/** Loads the configuration and builds the dependencies of one command (see app/command-context.ts). */
export async function commandContext(
  ...args: Parameters<ContextModule['commandContext']>
): Promise<CommandContext> {
  return (await contextModule()).commandContext(...args);
}

/** Runs a command body with the dependencies, and closes them whatever happens. */
export async function withDeps<T>(
  opts: GlobalOptions,
  body: (ctx: CommandContext) => Promise<T>,
  mode: CommandMode = {},
): Promise<T> {
  return (await contextModule()).withDeps(opts, body, mode);
}

/** Runs a command body, mapping configuration errors to exit 2 and other failures to exit 1. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (err) {
    // A configuration error comes from the loaded config module (imported lazily, so checked by name).
    if (err instanceof UsageError || (err instanceof Error && err.name === 'ConfigError')) {
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

export async function requireWatch(deps: Deps, id: string | undefined): Promise<void> {
  if (id && !(await deps.watches.get(id))) throw new UsageError(`--watch: no watch with id "${id}"`);
}
