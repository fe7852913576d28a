import { ConfigError } from '../config/load.ts';
import type { Deps } from '../app/deps.ts';

export { commandContext, withDeps, type GlobalOptions } from '../app/command-context.ts';

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
