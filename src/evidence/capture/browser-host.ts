import { accessSync, constants } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';

// One headless Chromium, launched on first use and reused: a new context per capture keeps
// captures apart (no cookies, cache or storage shared) at a fraction of a launch's cost. It runs in
// the capture process (capture-child.ts), never in the service's. Nothing is downloaded: the
// browser is the system's (Debian's `chromium` package).

export const DEFAULT_BROWSER_PATH = '/usr/bin/chromium';

// No background traffic of the browser's own (updates, sync, safe-browsing lists) ends up in a
// capture or leaves the machine; QUIC is off so every request goes through the interceptable stack.
export const LAUNCH_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser could not be used: missing (nothing runnable at the path) or failing (it did not start or died). */
export class BrowserUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'failing',
  ) {
    super(message);
    this.name = 'BrowserUnavailableError';
  }
}

/** The configured path, else Debian's. */
export function browserPathOf(configured: string | undefined): string {
  return configured ?? DEFAULT_BROWSER_PATH;
}

/** Why the browser at `file` cannot be run, or null when it is an executable file. */
export function browserMissing(file: string): string | null {
  try {
    accessSync(file, constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? `no browser at ${file}: install Debian's chromium package (apt-get install chromium) or set capture.browserPath`
      : `the browser at ${file} cannot be run (${code ?? 'not executable'}): check capture.browserPath`;
  }
}

export interface ContextOptions {
  ignoreTlsErrors: boolean;
  viewport: { width: number; height: number };
}

export function createBrowserHost(o: { executablePath: string; launchTimeoutMs?: number }) {
  let browser: Browser | undefined;
  let launching: Promise<Browser> | undefined;

  function forget(): void {
    browser = undefined;
  }

  async function launch(): Promise<Browser> {
    const missing = browserMissing(o.executablePath);
    if (missing) throw new BrowserUnavailableError(missing, 'missing');
    try {
      // Playwright gives every launch a fresh profile (user-data-dir) and removes it on close.
      // playwright-core is loaded here, at the first launch: importing this module costs nothing.
      const { chromium } = await import('playwright-core');
      const b = await chromium.launch({
        executablePath: o.executablePath,
        headless: true,
        args: LAUNCH_FLAGS,
        timeout: o.launchTimeoutMs ?? 30_000,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      b.on('disconnected', () => {
        if (browser === b) forget();
      });
      return b;
    } catch (err) {
      forget();
      if (err instanceof BrowserUnavailableError) throw err;
      throw new BrowserUnavailableError(
        `the browser at ${o.executablePath} did not start: ${firstLine((err as Error).message)}`,
        'failing',
      );
    }
  }

  async function get(): Promise<Browser> {
    if (browser?.isConnected()) return browser;
    launching ??= launch().finally(() => (launching = undefined));
    browser = await launching;
    return browser;
  }

  return {
    executablePath: o.executablePath,
    /** A fresh, isolated context (launching the browser if needed). */
    async newContext(c: ContextOptions): Promise<BrowserContext> {
      const b = await get();
      try {
        return await b.newContext({
          ignoreHTTPSErrors: c.ignoreTlsErrors,
          viewport: c.viewport,
          // Service workers would answer requests without the route handler seeing them.
          serviceWorkers: 'block',
          acceptDownloads: false,
          javaScriptEnabled: true,
        });
      } catch (err) {
        throw new BrowserUnavailableError(
          `the browser failed to open a page: ${firstLine((err as Error).message)}`,
          'failing',
        );
      }
    },
    /** `chromium 156.0.8078.129`, once launched. */
    version(): string | undefined {
      return browser?.version();
    },
    /** Whether a browser is up now. */
    running(): boolean {
      return Boolean(browser?.isConnected());
    },
    async close(): Promise<void> {
      const b = browser ?? (launching ? await launching.catch(() => undefined) : undefined);
      if (b) await b.close().catch(() => {});
      forget();
    },
  };
}

export type BrowserHost = ReturnType<typeof createBrowserHost>;

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? s).slice(0, 300);
}
