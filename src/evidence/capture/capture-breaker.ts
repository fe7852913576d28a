import { browserMissing } from './browser-host.ts';
import type { CaptureHealth, CaptureRepo } from './capture-repo.ts';

// The circuit breaker of the capture service. Browser failures in a row (it does not start, it
// crashes, it cannot open a page) open it for `pauseMs`: no capture is tried meanwhile, and the
// stored status says why and until when, for the dashboard and `vigie captures`. A page that fails
// while the browser works shows the browser is fine and closes the count. The state is kept in
// the database, so every process (and a restarted one) respects a pause.

export function createCaptureBreaker(o: {
  captures: Pick<CaptureRepo, 'health' | 'setHealth'>;
  browserPath: string;
  threshold: number;
  pauseMs: number;
  now: () => number;
}) {
  const write = (h: Omit<CaptureHealth, 'updatedAt' | 'browserPath'>) =>
    o.captures.setHealth({ ...h, browserPath: o.browserPath }, o.now());

  return {
    isOpen(): boolean {
      const h = o.captures.health();
      return h.state === 'paused' && (h.pausedUntil ?? 0) > o.now();
    },

    success(version: string | null): void {
      const h = o.captures.health();
      write({
        state: 'ok',
        message: null,
        browserVersion: version ?? h.browserVersion,
        consecutiveFailures: 0,
        pausedUntil: null,
        lastSuccessAt: o.now(),
      });
    },

    /** A page failed while the browser worked: the browser is not the problem. */
    pageFailure(): void {
      const h = o.captures.health();
      if (h.state === 'ok' && h.consecutiveFailures === 0) return;
      write({ ...h, state: 'ok', message: null, consecutiveFailures: 0, pausedUntil: null });
    },

    /** A browser failure; returns the state after it (paused when the threshold is reached). */
    failure(reason: 'missing' | 'failing', message: string): CaptureHealth {
      const h = o.captures.health();
      const failures = h.consecutiveFailures + 1;
      const open = failures >= o.threshold;
      const pausedUntil = open ? o.now() + o.pauseMs : null;
      const next = {
        state: open ? ('paused' as const) : reason,
        message: open
          ? `captures paused until ${new Date(pausedUntil!).toISOString()} after ${failures} browser failures in a row: ${message}`
          : message,
        browserVersion: h.browserVersion,
        consecutiveFailures: failures,
        pausedUntil,
        lastSuccessAt: h.lastSuccessAt,
      };
      write(next);
      return { ...next, browserPath: o.browserPath, updatedAt: o.now() };
    },

    /** No browser at the configured path: nothing is tried until one is installed. */
    missing(message: string): void {
      const h = o.captures.health();
      write({ ...h, state: 'missing', message, consecutiveFailures: 0, pausedUntil: null });
    },
  };
}

/**
 * The stored state, corrected by what can be seen now: a browser missing at the path (or found
 * again since it was), a pause that is over.
 */
export function currentCaptureHealth(
  captures: Pick<CaptureRepo, 'health'>,
  browserPath: string,
  now: number,
): CaptureHealth {
  const h = captures.health();
  const missing = browserMissing(browserPath);
  if (missing) return { ...h, state: 'missing', message: missing, browserPath };
  if (h.state === 'missing') return { ...h, state: 'unknown', message: null, browserPath };
  if (h.state === 'paused' && (h.pausedUntil ?? 0) <= now) return { ...h, state: 'unknown' };
  return { ...h, browserPath: h.browserPath ?? browserPath };
}
