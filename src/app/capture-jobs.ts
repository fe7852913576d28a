import type { Config } from '../config/schema.ts';
import { RetryLaterError, type JobHandlers, type Schedule } from '../jobs/types.ts';
import type { Capturer } from '../evidence/capture/capturer.ts';

// The `capture` job kind: local page captures (PNG, PDF, WARC) of the posts due for archiving.
// A job carries a watch id (after a poll), post ids (a post flagged by hand) or nothing (the
// sweep); the capturer finds its work in the database, so a repeated or lost job loses nothing.

// Captures due again sooner than this are waited for by deferring the job; later ones are left to the sweep.
const DEFER_HORIZON_MS = 30 * 60_000;

export function captureHandlers(capturer: Pick<Capturer, 'run'>): JobHandlers {
  return {
    async capture(payload, ctx) {
      const s = await capturer.run({
        watchId: payload.watchId,
        postIds: payload.postIds,
        signal: ctx.signal,
      });
      const summary = { ...s, nextDueAt: s.nextDueAt && new Date(s.nextDueAt).toISOString() };
      // A missing or failing browser is a loud status, never a failed job: the sweep tries again.
      if (s.browser === 'missing' || s.browser === 'paused') ctx.log.error(summary, 'capture pass skipped');
      else ctx.log.info(summary, 'capture pass done');
      if (
        s.browser !== 'missing' &&
        s.nextDueAt !== undefined &&
        s.nextDueAt - Date.now() < DEFER_HORIZON_MS &&
        !ctx.signal.aborted
      ) {
        throw new RetryLaterError(
          `${s.remaining} captures still to do`,
          Math.max(s.nextDueAt, Date.now() + 1000),
        );
      }
    },
  };
}

/** The capture sweep: work left by restarts, retries and breaker pauses. */
export function captureSchedules(config: Readonly<Config>): Schedule[] {
  if (!config.capture.enabled) return [];
  return [{ id: 'capture:sweep', pattern: '*/5 * * * *', kind: 'capture', payload: {} }];
}
