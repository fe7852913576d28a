import dns from 'node:dns';
import type { BrowserContext, Page, Response } from 'playwright-core';
import {
  assertAllowedAddress,
  BlockedUrlError,
  checkUrlShape,
  literalAddress,
  refusedRange,
  type NetworkPolicy,
} from '../../net/address-policy.ts';
import type { RecordedExchange } from './warc.ts';

// One page in one fresh browser context: navigate (or render Vigie's own HTML), then a full-page
// PNG, a PDF, and every exchange the page made, for the WARC. The network policy holds for every
// request the page makes, not only the first: a route handler refuses private addresses before a
// request leaves, and each answer's server address is checked again once connected (a redirect
// or a name that resolved differently for the browser fails the capture).

export interface PageCaptureRequest {
  /** Navigate here, or (with `html`) show this page of Vigie's making, with no network at all. */
  url?: string;
  html?: string;
  network: NetworkPolicy;
  navigationTimeoutMs: number;
  /** Wait this long at most for an element matching this selector (the X embed's post). */
  waitFor?: { selector: string; timeoutMs: number };
  /** Bodies kept for the WARC at most; later ones are left out (and the log says so). */
  maxWarcBytes?: number;
}

export interface BrowserTlsDetails {
  issuer: string | null;
  subjectName: string | null;
  protocol: string | null;
  validFrom: string | null;
  validTo: string | null;
}

export interface PageCaptureResult {
  png: Buffer;
  pdf: Buffer;
  exchanges: RecordedExchange[];
  finalUrl: string | null;
  status: number | null;
  /** URLs the main document was redirected through, in order. */
  redirects: string[];
  tls: BrowserTlsDetails | null;
  /** Requests refused by the network policy (hosts only). */
  refused: string[];
  warcTruncated: boolean;
  /** The waited-for element appeared (undefined when nothing was waited for). */
  found?: boolean;
}

/** Thrown when the page does not answer with a usable document. */
export class PageCaptureError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PageCaptureError';
  }
}

/** Why this URL's host may not be reached (resolving names as the browser would), or null. */
export async function hostRefusal(raw: string, network: NetworkPolicy): Promise<string | null> {
  try {
    const url = checkUrlShape(raw);
    const literal = literalAddress(url);
    if (literal !== null) {
      assertAllowedAddress(literal, literal, network);
      return null;
    }
    const answers = await dns.promises.lookup(url.hostname, { all: true, verbatim: true });
    if (answers.length === 0) return `${url.hostname} has no address`;
    for (const a of answers) assertAllowedAddress(a.address, url.hostname, network);
    return null;
  } catch (err) {
    if (err instanceof BlockedUrlError) return err.message;
    return `cannot resolve the host (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}

export async function capturePage(
  context: BrowserContext,
  r: PageCaptureRequest,
): Promise<PageCaptureResult> {
  const refused: string[] = [];
  let violation: string | undefined;
  const checks = new Map<string, Promise<string | null>>();
  const hostCheck = (u: URL) => {
    let c = checks.get(u.host);
    if (!c) {
      c =
        r.html !== undefined
          ? Promise.resolve('no network for a page of Vigie')
          : hostRefusal(u.href, r.network);
      checks.set(u.host, c);
    }
    return c;
  };
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const why = await hostCheck(url);
    if (why === null) return route.continue();
    refused.push(url.host);
    return route.abort('blockedbyclient');
  });

  const exchanges: RecordedExchange[] = [];
  const recording: Promise<void>[] = [];
  let warcBytes = 0;
  let warcTruncated = false;
  const maxWarcBytes = r.maxWarcBytes ?? 64 * 1024 * 1024;
  const record = async (res: Response) => {
    const req = res.request();
    const [requestHeaders, responseHeaders, body, addr] = await Promise.all([
      req.allHeaders().catch(() => ({})),
      res.headersArray().catch(() => []),
      // Redirects and aborted loads have no body.
      res.body().catch(() => Buffer.alloc(0)),
      res.serverAddr().catch(() => null),
    ]);
    if (addr && refusedRange(addr.ipAddress, r.network) !== null)
      violation ??= `${new URL(res.url()).host} was reached at ${addr.ipAddress}, which the network policy refuses`;
    if (warcBytes + body.length > maxWarcBytes) {
      warcTruncated = true;
      return;
    }
    warcBytes += body.length;
    exchanges.push({
      url: res.url(),
      method: req.method(),
      requestHeaders,
      requestBody: req.postDataBuffer() ?? undefined,
      status: res.status(),
      statusText: res.statusText(),
      responseHeaders,
      body,
      at: Date.now(),
      serverIp: addr?.ipAddress,
    });
  };

  const page: Page = await context.newPage();
  page.on('response', (res) => {
    if (/^https?:/.test(res.url())) recording.push(record(res));
  });

  let main: Response | null = null;
  if (r.html !== undefined) {
    await page.setContent(r.html, { waitUntil: 'load', timeout: r.navigationTimeoutMs });
  } else {
    const target = r.url ?? '';
    const why = await hostRefusal(target, r.network);
    if (why !== null) throw new BlockedUrlError(why);
    main = await page.goto(target, { waitUntil: 'load', timeout: r.navigationTimeoutMs });
    if (!main) throw new PageCaptureError('the browser got no answer for the page');
    // An error page is not the post: no screenshot of it (the attempt is retried).
    if (main.status() >= 400)
      throw new PageCaptureError(`the page answered HTTP ${main.status()}`, main.status());
  }
  let found: boolean | undefined;
  if (r.waitFor) {
    found = await page
      .waitForSelector(r.waitFor.selector, { timeout: r.waitFor.timeoutMs, state: 'visible' })
      .then(() => true)
      .catch(() => false);
  }
  const png = await page.screenshot({ fullPage: true, type: 'png' });
  const pdf = await page.pdf({ printBackground: true, format: 'A4' });
  await Promise.allSettled(recording);
  if (violation) throw new BlockedUrlError(violation);

  const redirects: string[] = [];
  for (let q = main?.request().redirectedFrom(); q; q = q.redirectedFrom()) redirects.unshift(q.url());
  const sec = main ? await main.securityDetails().catch(() => null) : null;
  const tls =
    sec && (sec.issuer || sec.protocol)
      ? {
          issuer: sec.issuer ?? null,
          subjectName: sec.subjectName ?? null,
          protocol: sec.protocol ?? null,
          validFrom: sec.validFrom ? new Date(sec.validFrom * 1000).toISOString() : null,
          validTo: sec.validTo ? new Date(sec.validTo * 1000).toISOString() : null,
        }
      : null;
  return {
    png,
    pdf,
    exchanges,
    finalUrl: main ? page.url() : null,
    status: main?.status() ?? null,
    redirects,
    tls,
    refused: [...new Set(refused)],
    warcTruncated,
    found,
  };
}
