import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../logger.ts';
import type { WatchesRepo } from '../../db/repositories/watches-repo.ts';
import { sha256Hex } from '../../db/ledger/ledger-hash.ts';
import { VERSION } from '../../version.ts';
import { archiveLevels } from '../archiver.ts';
import { browserMissing, BrowserUnavailableError } from './browser-host.ts';
import type { CaptureHost } from './capture-host.ts';
import type {
  CaptureFile,
  CaptureHealth,
  CaptureMethod,
  CaptureRepo,
  CaptureScope,
  CaptureWork,
} from './capture-repo.ts';
import type { CapturedPage } from './capture-protocol.ts';
import { PageCaptureError } from './page-capture.ts';
import { peerCertificate, type PeerCertificate } from './tls-peer.ts';
import { renderXCard, xCardTitle, xEmbedUrl } from './x-card.ts';
import { createCaptureBreaker, currentCaptureHealth } from './capture-breaker.ts';

// Local captures of the posts due for archiving. A pass enrolls them, then takes due rows (leased
// in the database, so several processes never capture the same post at once) with at most
// `capture.concurrency` pages open in this process. Each success writes page.png, page.pdf and
// page.warc under dataDir/captures/<watch>/<post id>/ and a collection-log event in the ledger.
// Failures of a page are retried with a growing delay; failures of the browser open a circuit
// breaker and never count against a post. A missing browser is a status, not a crash.

export interface CapturerDeps {
  config: Readonly<Config>;
  log: Logger;
  watches: WatchesRepo;
  captures: CaptureRepo;
  /** The browser, in its own process. */
  browser: CaptureHost;
  now?: () => number;
}

export interface CaptureRunOptions extends CaptureScope {
  signal?: AbortSignal;
}

export interface CaptureRunSummary {
  enrolled: number;
  captured: number;
  failed: number;
  retried: number;
  /** Rows still pending in scope, and when the next one is due. */
  remaining: number;
  nextDueAt?: number;
  /** The browser's state after the pass (`missing` and `paused`: nothing was tried). */
  browser: CaptureHealth['state'];
  message?: string;
}

const safeSegment = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

export function createCapturer(deps: CapturerDeps) {
  const cfg = deps.config.capture;
  const now = deps.now ?? Date.now;
  const breaker = createCaptureBreaker({
    captures: deps.captures,
    browserPath: deps.browser.executablePath,
    threshold: cfg.breakerThreshold,
    pauseMs: cfg.breakerPauseMs,
    now,
  });
  const leaseMs = cfg.captureTimeoutMs + 60_000;
  // Pages open at once in this process, whichever pass opened them.
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (inFlight >= cfg.concurrency) await new Promise<void>((r) => waiting.push(r));
    inFlight++;
  };
  const release = () => {
    inFlight--;
    waiting.shift()?.();
  };

  async function enroll(scope: CaptureScope): Promise<number> {
    const t = now();
    if (scope.postIds) return deps.captures.enroll({ postIds: scope.postIds }, t);
    const watches = scope.watchId
      ? [await deps.watches.get(scope.watchId)].filter((w) => w !== undefined)
      : await deps.watches.listActive();
    let n = 0;
    for (const w of watches)
      n += await deps.captures.enroll(
        { watchId: w.id, levels: archiveLevels(deps.config, w.definition.archiveMinLevel) },
        t,
      );
    return n;
  }

  /** One page in the capture process; `method` names it in its WARC. */
  function shoot(
    work: CaptureWork,
    method: CaptureMethod,
    o: {
      url?: string;
      html?: string;
      waitFor?: { selector: string; timeoutMs: number };
    },
  ): Promise<CapturedPage> {
    return deps.browser.capture({
      request: {
        url: o.url,
        html: o.html,
        waitFor: o.waitFor,
        network: deps.config.network,
        navigationTimeoutMs: cfg.navigationTimeoutMs,
      },
      context: {
        ignoreTlsErrors: cfg.ignoreTlsErrors,
        viewport: { width: cfg.viewportWidth, height: cfg.viewportHeight },
      },
      warc: {
        info: {
          software: `Vigie ${VERSION}`,
          description: `capture of post ${work.postId} (${work.platform} ${work.externalId}) by ${method}`,
        },
        // The X post card Vigie rendered is kept beside the exchanges, as a resource record.
        resources:
          o.html === undefined
            ? []
            : [
                {
                  url: `urn:vigie:x-card:${work.externalId}`,
                  contentType: 'text/html; charset=utf-8',
                  body: Buffer.from(o.html, 'utf8'),
                  at: now(),
                },
              ],
      },
      timeoutMs: cfg.captureTimeoutMs,
    });
  }

  /** The page to capture for this post, and how it was obtained. */
  async function capturePost(work: CaptureWork): Promise<{
    method: CaptureMethod;
    requestedUrl: string;
    result: CapturedPage;
    note?: string;
  }> {
    if (work.platform !== 'x') {
      if (!work.url) throw new PageCaptureError('the post has no URL');
      const result = await shoot(work, 'page', { url: work.url });
      return { method: 'page', requestedUrl: work.url, result };
    }
    const embed = xEmbedUrl(cfg.xEmbedUrl, work.externalId);
    let why: string;
    try {
      const result = await shoot(work, 'x-embed', {
        url: embed,
        waitFor: { selector: 'article', timeoutMs: Math.min(10_000, cfg.navigationTimeoutMs) },
      });
      if (!result.found) why = 'the embed page showed no post';
      else return { method: 'x-embed', requestedUrl: embed, result };
    } catch (err) {
      if (err instanceof BrowserUnavailableError) throw err;
      why = (err as Error).message.split('\n')[0]!;
    }
    const html = renderXCard({
      raw: work.raw,
      id: work.externalId,
      url: work.url,
      receivedAt: work.firstSeenAt,
    });
    const result = await shoot(work, 'x-card', { html });
    return {
      method: 'x-card',
      requestedUrl: embed,
      result,
      note: `${xCardTitle(new Date(work.firstSeenAt).toISOString())}; the public embed failed: ${why}`,
    };
  }

  function writeFiles(
    work: CaptureWork,
    files: Record<string, Uint8Array>,
  ): { dir: string; list: CaptureFile[] } {
    const dir = path.join('captures', safeSegment(work.watchId), String(work.postId));
    const abs = path.join(deps.config.dataDir, dir);
    mkdirSync(abs, { recursive: true });
    const list: CaptureFile[] = [];
    for (const [name, bytes] of Object.entries(files)) {
      const tmp = path.join(abs, `.${name}.partial-${process.pid}`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, path.join(abs, name));
      list.push({ name, sha256: sha256Hex(bytes), size: bytes.length });
    }
    return { dir: dir.split(path.sep).join('/'), list };
  }

  async function captureOne(work: CaptureWork, s: CaptureRunSummary): Promise<void> {
    const log = deps.log.child({ watch: work.watchId, post: work.postId });
    const startedAt = now();
    try {
      const shot = await capturePost(work);
      const r = shot.result;
      let peer: PeerCertificate | { error: string } | null = null;
      if (r.finalUrl?.startsWith('https:')) {
        peer = await peerCertificate(new URL(r.finalUrl), {
          network: deps.config.network,
          timeoutMs: Math.min(10_000, cfg.navigationTimeoutMs),
        }).catch((err: Error) => ({ error: err.message }));
      }
      const { dir, list } = writeFiles(work, { 'page.png': r.png, 'page.pdf': r.pdf, 'page.warc': r.warc });
      const finishedAt = now();
      await deps.captures.markCaptured(
        work,
        {
          method: shot.method,
          requestedUrl: shot.requestedUrl,
          finalUrl: r.finalUrl,
          httpStatus: r.status,
          startedAt,
          finishedAt,
          dir,
          files: list,
        },
        {
          type: 'page_captured',
          watchId: work.watchId,
          postId: work.postId,
          at: finishedAt,
          // The collection log: how, when and with what the capture was made, and what it holds.
          data: {
            method: shot.method,
            startedAt: new Date(startedAt).toISOString(),
            endedAt: new Date(finishedAt).toISOString(),
            requestedUrl: shot.requestedUrl,
            finalUrl: r.finalUrl,
            redirects: r.redirects,
            httpStatus: r.status,
            tls: r.tls || peer ? { browser: r.tls, certificate: peer } : null,
            ignoreTlsErrors: cfg.ignoreTlsErrors,
            browser: { name: 'chromium', version: deps.browser.version() ?? null },
            vigieVersion: VERSION,
            files: list,
            refusedRequests: r.refused,
            warcComplete: !r.warcTruncated,
            ...(shot.note ? { note: shot.note } : {}),
          },
        },
      );
      await breaker.success(deps.browser.version() ?? null);
      s.captured++;
      log.info({ method: shot.method, status: r.status }, 'capture: done');
    } catch (err) {
      const message = (err as Error).message.split('\n')[0]!.slice(0, 400);
      if (err instanceof BrowserUnavailableError || !deps.browser.running()) {
        // The browser's failure, not the post's: the attempt is given back.
        const state = await breaker.failure(
          err instanceof BrowserUnavailableError ? err.reason : 'failing',
          message,
        );
        await deps.captures.markRetry(work.postId, {
          now: now(),
          nextAt: state.pausedUntil ?? now() + Math.min(cfg.retryDelayMs, 60_000),
          error: message,
          refund: true,
        });
        s.retried++;
        log.warn({ err: message }, 'capture: browser failure');
        return;
      }
      await breaker.pageFailure();
      if (work.attempts >= cfg.maxAttempts) {
        await deps.captures.markFailed(work, {
          now: now(),
          error: `gave up after ${work.attempts} attempts: ${message}`,
          attempts: work.attempts,
        });
        s.failed++;
      } else {
        await deps.captures.markRetry(work.postId, {
          now: now(),
          nextAt: now() + Math.min(cfg.retryDelayMs * 2 ** (work.attempts - 1), 24 * 3_600_000),
          error: message,
        });
        s.retried++;
      }
      log.info({ err: message, attempt: work.attempts }, 'capture: failed');
    }
  }

  return {
    browserPath: deps.browser.executablePath,
    /** Captures the due posts in scope, `capture.concurrency` at a time, and returns. */
    async run(options: CaptureRunOptions = {}): Promise<CaptureRunSummary> {
      const scope: CaptureScope = { watchId: options.watchId, postIds: options.postIds };
      const s: CaptureRunSummary = {
        enrolled: await enroll(scope),
        captured: 0,
        failed: 0,
        retried: 0,
        remaining: 0,
        browser: 'ok',
      };
      const finish = async () => {
        const h = await deps.captures.health();
        s.remaining = (await deps.captures.counts(scope)).pending ?? 0;
        s.nextDueAt = await deps.captures.nextDue(scope);
        s.browser = h.state;
        s.message = h.message ?? undefined;
        return s;
      };
      const missing = browserMissing(deps.browser.executablePath);
      if (missing) {
        await breaker.missing(missing);
        deps.log.error({ path: deps.browser.executablePath }, `capture: ${missing}`);
        return finish();
      }
      if (await breaker.isOpen()) return finish();
      const worker = async () => {
        for (;;) {
          if (options.signal?.aborted || (await breaker.isOpen())) return;
          await acquire();
          try {
            const work = await deps.captures.claimNext(scope, { now: now(), leaseMs });
            if (!work) return;
            await captureOne(work, s);
          } finally {
            release();
          }
        }
      };
      await Promise.all(Array.from({ length: cfg.concurrency }, worker));
      return finish();
    },
    /** The service's state as stored, with the browser path checked now. */
    status: (): Promise<CaptureHealth> =>
      currentCaptureHealth(deps.captures, deps.browser.executablePath, now()),
    close: () => deps.browser.close(),
  };
}

export type Capturer = ReturnType<typeof createCapturer>;
