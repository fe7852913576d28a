import { Command } from 'commander';
import { registerCoreCommands } from './cli/commands-core.ts';
import { VERSION } from './version.ts';

const program = new Command('vigie')
  .description('Watch the web for mentions of a person, score hostility, keep evidence, inform their trusted people.')
  .version(VERSION)
  .option('-c, --config <path>', 'configuration file (default: $VIGIE_CONFIG, then config/vigie.yaml)')
  .showHelpAfterError()
  .enablePositionalOptions();

registerCoreCommands(program);

await program.parseAsync(process.argv);
