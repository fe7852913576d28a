import { Command } from 'commander';
import { registerCoreCommands } from './cli/commands-core.ts';
import { registerQueueCommands } from './cli/commands-queue.ts';
import { registerAlertsCommands } from './cli/commands-alerts.ts';
import { registerUsersCommands } from './cli/commands-users.ts';
import { registerEvidenceCommands } from './cli/commands-evidence.ts';
import { registerIdentityCommands } from './cli/commands-identity.ts';
import { registerCorrectionsCommands } from './cli/commands-corrections.ts';
import { VERSION } from './version.ts';
import { usageExit } from './cli/usage-exit.ts';

const program = new Command('vigie')
  .description(
    'Watch the web for mentions of a person, score hostility, keep evidence, inform their trusted people.',
  )
  .version(VERSION)
  .option('-c, --config <path>', 'configuration file (default: $VIGIE_CONFIG, then config/vigie.yaml)')
  .showHelpAfterError()
  .enablePositionalOptions()
  .exitOverride(usageExit);

registerCoreCommands(program);
registerEvidenceCommands(program);
registerQueueCommands(program);
registerAlertsCommands(program);
registerUsersCommands(program);
registerIdentityCommands(program);
registerCorrectionsCommands(program);

await program.parseAsync(process.argv);
