import { browserMissing } from './browser-host.ts';
import type { CaptureHealth, CaptureRepo } from './capture-repo.ts';

// The circuit breaker of the capture service. Browser failures in a row (it does not start, it
// crashes, it cannot open a page) open it for `pauseMs`: no capture is tried meanwhile, and the
// stored status says why and until when, for the dashboard and `vigie captures`. A page that fails
// while the browser works shows the browser is fine and closes the count. The state is kept in
// the database, so every process (and a restarted one) respects a pause; each change reads and
// writes it in one step (CaptureRepo.updateHealth), so failures in several processes add up.

export function createCaptureBreaker(o: {
  captures: Pick<CaptureRepo, 'health' | 'updateHealth'>;
  browserPath: string;
  threshold: number;
  pauseMs: number;
  now: () => number;
}) {
  /** One read-modify-write of the stored state; `next` returns undefined to leave it as it is. */
  const update = (next: (h: CaptureHealth) => Omit<CaptureHealth, 'updatedAt' | 'browserPath'> | undefined) =>
    o.captures.updateHealth((h) => {
      const n = next(h);
      return n && { ...n, browserPath: o.browserPath };
    }, o.now());

  return {
    async isOpen(): Promise<boolean> {
      const h = await o.captures.health();
      return h.state === 'paused' && (h.pausedUntil ?? 0) > o.now();
    },

    async success(version: string | null): Promise<void> {
      await update((h) => ({
        state: 'ok',
        message: null,
        browserVersion: version ?? h.browserVersion,
        consecutiveFailures: 0,
        pausedUntil: null,
        lastSuccessAt: o.now(),
      }));
    },

    /** A page failed while the browser worked: the browser is not the problem. */
    async pageFailure(): Promise<void> {
      await update((h) =>
        h.state === 'ok' && h.consecutiveFailures === 0
          ? undefined
          : { ...h, state: 'ok', message: null, consecutiveFailures: 0, pausedUntil: null },
      );
    },

    /** A browser failure; returns the state after it (paused when the threshold is reached). */
    failure(reason: 'missing' | 'failing', message: string): Promise<CaptureHealth> {
      return update((h) => {
        const failures = h.consecutiveFailures + 1;
        const open = failures >= o.threshold;
        const pausedUntil = open ? o.now() + o.pauseMs : null;
        return {
          state: open ? ('paused' as const) : reason,
          message: open
            ? `captures paused until ${new Date(pausedUntil!).toISOString()} after ${failures} browser failures in a row: ${message}`
            : message,
          browserVersion: h.browserVersion,
          consecutiveFailures: failures,
          pausedUntil,
          lastSuccessAt: h.lastSuccessAt,
        };
      });
    },

    /** No browser at the configured path: nothing is tried until one is installed. */
    async missing(message: string): Promise<void> {
      await update((h) => ({ ...h, state: 'missing', message, consecutiveFailures: 0, pausedUntil: null }));
    },
  };
}

/**
 * The stored state, corrected by what can be seen now: a browser missing at the path (or found
 * again since it was), a pause that is over.
 */
export async function currentCaptureHealth(
  captures: Pick<CaptureRepo, 'health'>,
  browserPath: string,
  now: number,
): Promise<CaptureHealth> {
  const h = await captures.health();
  const missing = browserMissing(browserPath);
  if (missing) return { ...h, state: 'missing', message: missing, browserPath };
  if (h.state === 'missing') return { ...h, state: 'unknown', message: null, browserPath };
  if (h.state === 'paused' && (h.pausedUntil ?? 0) <= now) return { ...h, state: 'unknown' };
  return { ...h, browserPath: h.browserPath ?? browserPath };
}
