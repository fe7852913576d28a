import type { Command } from 'commander';
import { withDeps, requireWatch, runCommand, UsageError, type GlobalOptions } from './run-command.ts';
import { renderTable } from './table.ts';
import type { Deps } from '../app/deps.ts';
import type { CaptureHealth } from '../evidence/capture/capture-repo.ts';

// `vigie capture --once`: capture the due posts now. `vigie captures`: the capture service's
// health (browser found or not, circuit breaker) and the latest captures. Both exit 1 when the
// browser is missing or captures are paused, so a cron job or a monitoring script notices.

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;
const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : '');

function statusLine(h: CaptureHealth): string {
  const where = h.browserPath
    ? ` (${h.browserPath}${h.browserVersion ? `, chromium ${h.browserVersion}` : ''})`
    : '';
  switch (h.state) {
    case 'ok':
      return `browser: ok${where}; last capture ${iso(h.lastSuccessAt) || 'none yet'}`;
    case 'missing':
      return `browser: MISSING: ${h.message ?? ''}`;
    case 'paused':
      return `browser: PAUSED until ${iso(h.pausedUntil)}: ${h.message ?? ''}`;
    case 'failing':
      return `browser: FAILING ×${h.consecutiveFailures}${where}: ${h.message ?? ''}`;
    default:
      return `browser: not used yet${where}${h.message ? `: ${h.message}` : ''}`;
  }
}

const troubled = (h: CaptureHealth) => h.state === 'missing' || h.state === 'paused';

async function captureStatus(deps: Deps): Promise<CaptureHealth | undefined> {
  return deps.evidence.capturer?.status();
}

export function registerCaptureCommands(program: Command): void {
  program
    .command('capture')
    .description('capture the due posts now in the headless browser (PNG, PDF, WARC), then exit')
    .option('--once', 'capture once and exit (the only mode of this command)')
    .option('--watch <id>', 'only this watch')
    .action((o: { watch?: string }, cmd: Command) =>
      runCommand(async () =>
        withDeps(globals(cmd), async ({ deps }) => {
          await deps.syncWatches();
          await requireWatch(deps, o.watch);
          const capturer = deps.evidence.capturer;
          if (!capturer) throw new UsageError('captures are off: set capture.enabled to true');
          const s = await capturer.run({ watchId: o.watch });
          const counts = await deps.captures.counts({ watchId: o.watch });
          const health = await capturer.status();
          process.stdout.write(
            `newly due: ${s.enrolled}, captured: ${s.captured}, failed for good: ${s.failed}, to retry: ${s.retried}, still to do: ${s.remaining}\n` +
              `capture rows: ${
                Object.entries(counts)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ') || 'none'
              }\n${statusLine(health)}\n`,
          );
          return troubled(health) ? 1 : 0;
        }),
      ),
    );

  program
    .command('captures')
    .description('health of the capture service (browser, circuit breaker) and the latest captures')
    .option('--watch <id>', 'only this watch')
    .option('--limit <n>', 'captures listed', '20')
    .action((o: { watch?: string; limit: string }, cmd: Command) =>
      runCommand(async () => {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 0)
          throw new UsageError('--limit: expected a non-negative integer');
        return withDeps(globals(cmd), async ({ deps }) => {
          await requireWatch(deps, o.watch);
          const health = await captureStatus(deps);
          process.stdout.write(
            health ? `${statusLine(health)}\n` : 'captures: off (capture.enabled is false)\n',
          );
          const counts = await deps.captures.counts({ watchId: o.watch });
          process.stdout.write(
            `capture rows: ${
              Object.entries(counts)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ') || 'none'
            }\n`,
          );
          const rows = (await deps.captures.recent({ watchId: o.watch, limit })).map((c) => [
            c.watchId,
            String(c.postId),
            c.status,
            c.method ?? '',
            c.httpStatus === null ? '' : String(c.httpStatus),
            iso(c.finishedAt ?? c.updatedAt),
            c.status === 'captured' ? (c.dir ?? '') : (c.lastError ?? ''),
          ]);
          if (rows.length > 0)
            process.stdout.write(
              `${renderTable(['watch', 'post', 'status', 'method', 'http', 'when', 'files or problem'], rows, 80)}\n`,
            );
          return health && troubled(health) ? 1 : 0;
        });
      }),
    );
}
