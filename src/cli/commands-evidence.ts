import type { Command } from 'commander';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  withDeps,
  parseIsoDate,
  requireWatch,
  runCommand,
  UsageError,
  type GlobalOptions,
} from './run-command.ts';
import { outFileProblem } from './out-file.ts';
import { LEVELS, type Level } from '../scoring/types.ts';
import type { ReportLang } from '../evidence/report-i18n.ts';

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;
// Attacker-written text can reach messages (URLs, names): never let it move the terminal's cursor.
const clean = (s: string) =>
  s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');

export function registerEvidenceCommands(program: Command): void {
  program
    .command('archive')
    .description('archive due hostile posts to the Wayback Machine, wait for pending captures, then exit')
    .option('--once', 'process due work once and exit (the only mode of this command)')
    .option('--watch <id>', 'only this watch')
    .option('--wait-ms <n>', 'wait this long at most for the rate and pending captures', '120000')
    .action((o: { watch?: string; waitMs: string }, cmd: Command) =>
      runCommand(async () => {
        const waitMs = Number(o.waitMs);
        if (!Number.isInteger(waitMs) || waitMs < 0)
          throw new UsageError('--wait-ms: expected a non-negative integer');
        return withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          await requireWatch(deps, o.watch);
          const evidence = deps.evidence;
          const s = await evidence.archiver.run({ watchId: o.watch, waitMs });
          const counts = await evidence.archives.counts({ watchId: o.watch });
          process.stdout.write(
            `newly due: ${s.enrolled}, submitted: ${s.submitted}, archived: ${s.archived}, failed for good: ${s.failed}, to retry: ${s.retried}, still in progress: ${s.remaining}\n` +
              `archive rows: ${
                Object.entries(counts)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ') || 'none'
              }\n`,
          );
          if (s.remaining > 0 && s.nextDueAt)
            process.stdout.write(
              `next due at ${new Date(s.nextDueAt).toISOString()} (run again, or let the service do it)\n`,
            );
        });
      }),
    );

  const ledger = program.command('ledger').description('the custody log of evidence events');
  ledger
    .command('verify')
    .description('recompute the hash chain of the custody log and name the first broken row')
    .action((_o, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps }) => {
          const r = await deps.evidence.ledger.verify();
          if (r.ok) {
            process.stdout.write(`ledger intact: ${r.rows} rows, head ${r.head}\n`);
            return 0;
          }
          process.stdout.write(
            `ledger BROKEN at row ${r.firstBrokenId}: ${r.reason} (${r.rows} rows read)\n`,
          );
          for (const b of r.broken.slice(1)) process.stdout.write(`also broken: row ${b.id}: ${b.reason}\n`);
          return 1;
        });
      }),
    );

  program
    .command('export')
    .description(
      'write the evidence dossier of a watch as a ZIP (report.html, posts.csv, posts.jsonl, ledger.jsonl, manifest.json)',
    )
    .requiredOption('--watch <id>', 'the watch')
    .requiredOption('--out <file>', 'the ZIP file to write')
    .option('--from <date>', 'only posts published (or seen) since this date')
    .option('--to <date>', 'only posts published (or seen) until this date')
    .option('--min-level <level>', `lowest level included (${LEVELS.join(', ')})`, 'low')
    .option('--lang <lang>', 'report language: fr, en or both', 'both')
    .action(
      (
        o: { watch: string; out: string; from?: string; to?: string; minLevel: string; lang: string },
        cmd: Command,
      ) =>
        runCommand(async () => {
          if (!(LEVELS as readonly string[]).includes(o.minLevel))
            throw new UsageError(`--min-level: expected one of ${LEVELS.join(', ')}`);
          if (!['fr', 'en', 'both'].includes(o.lang)) throw new UsageError('--lang: expected fr, en or both');
          const from = o.from ? parseIsoDate(o.from, '--from') : undefined;
          const to = o.to ? parseIsoDate(o.to, '--to') : undefined;
          // Named before anything is written: the file asked for, not a temporary one.
          const outProblem = outFileProblem(path.resolve(o.out));
          if (outProblem) throw new UsageError(`--out: ${outProblem}`);
          const { writeDossier } = await import('../evidence/dossier.ts');
          return withDeps(globals(cmd), async ({ deps }) => {
            await deps.syncWatches();
            await requireWatch(deps, o.watch);
            const r = await writeDossier(
              deps,
              {
                watchId: o.watch,
                from,
                to,
                minLevel: o.minLevel as Level,
                lang: o.lang as ReportLang,
                actor: 'cli',
              },
              path.resolve(o.out),
            );
            process.stdout.write(`${r.file}: ${r.posts} posts, sha256 ${r.sha256}\n`);
          });
        }),
    );

  program
    .command('verify')
    .description(
      'check a dossier ZIP: every file hash, every post hash against its payload, the ledger chain, and the signature of the manifest timestamp',
    )
    .argument('<file>', 'the dossier ZIP')
    .option(
      '--tsa-cert <file.pem>',
      'the timestamp authority certificate (or the one that issued it): the manifest timestamp must be signed with it',
    )
    .action((file: string, o: { tsaCert?: string }) =>
      runCommand(async () => {
        let tsaCerts;
        if (o.tsaCert !== undefined) {
          const bytes = await readFile(o.tsaCert).catch((err: Error) => {
            throw new UsageError(`--tsa-cert: ${err.message}`);
          });
          const { readCertificates } = await import('../evidence/tsa-signer.ts');
          try {
            tsaCerts = readCertificates(bytes);
          } catch {
            throw new UsageError(`--tsa-cert: ${o.tsaCert} holds no readable certificate (PEM or DER)`);
          }
        }
        const { verifyDossier } = await import('../evidence/verify.ts');
        const r = await verifyDossier(file, { tsaCerts });
        // Nothing to judge (no such file, not a ZIP): a usage problem, not a verdict on a dossier.
        if (r.unreadable) {
          process.stderr.write(`vigie verify: ${clean(r.summary)}\n`);
          return 2;
        }
        process.stdout.write(`${r.summary.split('\n').map(clean).join('\n')}\n`);
        return r.ok ? 0 : 1;
      }),
    );

  program
    .command('deletion-check')
    .description('check archived posts upstream again and record the ones deleted since')
    .option('--once', 'check once and exit (the only mode of this command)')
    .option('--watch <id>', 'only this watch')
    .action((o: { watch?: string }, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          await requireWatch(deps, o.watch);
          const s = await deps.evidence.deletionCheck({ watchId: o.watch });
          process.stdout.write(
            `checked: ${s.checked}, deleted upstream: ${s.deleted}, unclear (checked again next time): ${s.unclear}\n`,
          );
        });
      }),
    );
}
