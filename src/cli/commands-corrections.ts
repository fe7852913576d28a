import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { withDeps, requireWatch, runCommand, UsageError, type GlobalOptions } from './run-command.ts';
import { outFileProblem } from './out-file.ts';
import type { CorrectionFormat } from '../web/corrections-export.ts';

// The formats are listed here (checked against the export's type) so that `vigie --help` does not
// load the export module; it is imported when the command runs.
const CORRECTION_FORMATS = ['csv', 'jsonl'] as const satisfies readonly CorrectionFormat[];

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

/** `vigie corrections export`: the posts people marked hostile by hand, for the lexicon maintainers. */
export function registerCorrectionsCommands(program: Command): void {
  const corrections = program
    .command('corrections')
    .description('posts marked hostile by hand that the scorer missed (corrections for the lexicon)');

  corrections
    .command('export')
    .description(
      'write the corrections of a watch: post id, text, scorer level and categories, human label, lexicon version',
    )
    .requiredOption('--watch <id>', 'the watch')
    .option('--format <format>', `${CORRECTION_FORMATS.join(' or ')}`, 'jsonl')
    .option('--out <file>', 'the file to write (default: standard output)')
    .action((o: { watch: string; format: string; out?: string }, cmd: Command) =>
      runCommand(async () => {
        if (!(CORRECTION_FORMATS as readonly string[]).includes(o.format))
          throw new UsageError(`--format: expected ${CORRECTION_FORMATS.join(' or ')}, got "${o.format}"`);
        const out = o.out ? path.resolve(o.out) : undefined;
        const outProblem = out ? outFileProblem(out) : null;
        if (outProblem) throw new UsageError(`--out: ${outProblem}`);
        return withDeps(globals(cmd), async ({ deps }) => {
          await requireWatch(deps, o.watch);
          const list = await deps.triage.corrections(o.watch);
          const { correctionsText } = await import('../web/corrections-export.ts');
          const text = correctionsText(list, o.format as CorrectionFormat);
          // The list holds post text: its export is written to the audit log like the dashboard's.
          await deps.audit.record({
            userId: null,
            actor: 'cli',
            action: 'export_corrections',
            watchId: o.watch,
            detail: { format: o.format, posts: list.length },
          });
          if (out) {
            writeFileSync(out, text);
            process.stderr.write(`${out}: ${list.length} corrections\n`);
          } else process.stdout.write(text);
        });
      }),
    );
}
