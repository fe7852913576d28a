import type { Command } from 'commander';
import { runCommand, UsageError, withDeps, type GlobalOptions } from './run-command.ts';
import { CHANNEL_KINDS, isChannelKind } from '../alerts/channels/channel-kinds.ts';

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

/** Server answers and labels end up on a terminal: no control or direction characters. */
const safe = (s: string) =>
  s.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');

export function registerNotifyCommands(program: Command): void {
  const notify = program
    .command('notify')
    .description('notification channels (e-mail, webhook, ntfy, Telegram, Matrix, Signal)');
  notify
    .command('test')
    .description("send a test message now to a person's channels and say which ones work")
    .requiredOption('--email <address>', 'the person (an account, or a recipient from the configuration)')
    .option('--channel <kind>', `only this kind: ${CHANNEL_KINDS.join(', ')}`)
    .action((o: { email: string; channel?: string }, cmd: Command) =>
      runCommand(async () => {
        if (o.channel !== undefined && !isChannelKind(o.channel))
          throw new UsageError(`--channel: expected one of ${CHANNEL_KINDS.join(', ')}, got "${o.channel}"`);
        const kind = o.channel;
        return withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          const results = await deps.alerts.sendTest(o.email, kind);
          if (!results) throw new UsageError(`--email: nobody with the address "${o.email}"`);
          if (results.length === 0) {
            process.stderr.write(`vigie: ${o.email} has no ${kind ?? ''} channel\n`);
            return 1;
          }
          for (const r of results)
            process.stdout.write(
              `${r.kind}\t${safe(r.label)}\t${r.ok ? 'sent' : `failed: ${safe(r.error ?? '')}`}\n`,
            );
          return results.every((r) => r.ok) ? 0 : 1;
        });
      }),
    );
}
