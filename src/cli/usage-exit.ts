import type { CommanderError } from 'commander';

/**
 * How the command line ends when commander itself stops it: 0 after --help or --version, 2 (the
 * usage-error code, as for a bad option value) for an unknown command or option, a missing
 * argument or a missing required option such as `export --out`. Commander has already printed
 * the error and the usage by then.
 */
export function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}
