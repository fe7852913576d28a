import { Command, Option } from 'commander';
import { registerCoreCommands } from './cli/commands-core.ts';
import { registerQueueCommands } from './cli/commands-queue.ts';
import { registerAlertsCommands } from './cli/commands-alerts.ts';
import { registerUsersCommands } from './cli/commands-users.ts';
import { registerEvidenceCommands } from './cli/commands-evidence.ts';
import { registerIdentityCommands } from './cli/commands-identity.ts';
import { registerNotifyCommands } from './cli/commands-notify.ts';
import { registerCaptureCommands } from './cli/commands-captures.ts';
import { registerCorrectionsCommands } from './cli/commands-corrections.ts';
import { registerDbCommands } from './cli/commands-db.ts';
import { VERSION } from './version.ts';
import { usageExit } from './cli/usage-exit.ts';
import type { LogFormat } from './logger.ts';

// Start-up cost: `vigie --help` must answer at once, so everything imported statically from here
// is light — commander definitions (names, options, help text) and small helpers. A command's
// work (the composition root, the database, fastify, the scorer…) is imported with `await
// import()` inside its action, so only the command that runs pays for what it uses
// (test/cli/cli-startup.test.ts fails when a heavy package loads with the definitions).
// Adding a family of commands is one line below: `registerXCommands(program)` from a
// `cli/commands-x.ts` whose actions import their handlers lazily, as the files below do.
const program = new Command('vigie')
  .description(
    'Watch the web for mentions of a person, score hostility, keep evidence, inform their trusted people.',
  )
  .version(VERSION)
  .option('-c, --config <path>', 'configuration file (default: $VIGIE_CONFIG, then config/vigie.yaml)')
  .addOption(
    new Option('--log-format <format>', 'log lines: pretty on a terminal, JSON otherwise (auto)')
      .choices(['auto', 'json', 'pretty'] satisfies LogFormat[])
      .default('auto'),
  )
  .showHelpAfterError()
  .enablePositionalOptions()
  .exitOverride(usageExit);

registerCoreCommands(program);
registerDbCommands(program);
registerEvidenceCommands(program);
registerQueueCommands(program);
registerAlertsCommands(program);
registerUsersCommands(program);
registerIdentityCommands(program);
registerNotifyCommands(program);
registerCaptureCommands(program);
registerCorrectionsCommands(program);

await program.parseAsync(process.argv);
