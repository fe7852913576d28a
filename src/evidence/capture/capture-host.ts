import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserUnavailableError, type ContextOptions } from './browser-host.ts';
import {
  receivedError,
  type BrowserState,
  type CapturedPage,
  type WarcRequest,
  type CaptureChildOptions,
  type FromCaptureChild,
  type ToCaptureChild,
} from './capture-protocol.ts';
import type { PageCaptureRequest } from './page-capture.ts';

// The service's side of page captures: the browser runs in a child process (capture-child.ts),
// started at the first capture and ended after a while without one, so an idle service holds
// neither playwright-core (~90 MB once loaded, and modules are never unloaded) nor Chromium.
// A capture whose time is over is abandoned in the child (its context closed); a child that does
// not answer then is killed. A child that dies fails its captures as a browser failure, and the
// next capture starts a new one.

/** The capture ran past its time and was abandoned (the page's failure, not the browser's). */
export class CaptureTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureTimeoutError';
  }
}

export interface CaptureHostOptions {
  executablePath: string;
  launchTimeoutMs?: number;
  /** The child ends (closing the browser) after this long without a capture. */
  idleExitMs?: number;
  /** How long a child may take to give up a capture, or to close, before it is killed. */
  unresponsiveMs?: number;
}

export interface CaptureCall {
  request: PageCaptureRequest;
  context: ContextOptions;
  /** The WARC the capture process writes of the page's exchanges. */
  warc: WarcRequest;
  /** The whole capture; then it is abandoned and fails with CaptureTimeoutError. */
  timeoutMs: number;
}

// Compiled, the child is the .js beside this file; from the sources (tests, `npm run dev`), the
// .ts, run through tsx's loader as bin/vigie.js does (resolved here: the service's working
// directory need not be the project's).
const fromSources = import.meta.url.endsWith('.ts');
const CHILD_FILE = fileURLToPath(
  new URL(fromSources ? './capture-child.ts' : './capture-child.js', import.meta.url),
);
const CHILD_EXEC_ARGV = fromSources
  ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
  : [];

interface Pending {
  resolve: (r: CapturedPage) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
  /** Set once the capture's time is over: the answer, whatever it is, becomes this time-out. */
  timedOut?: string;
}

interface Child {
  process: ChildProcess;
  pending: Map<number, Pending>;
  browser: BrowserState;
  /** Asked to end (idle, or the service closing). */
  stopping: boolean;
  gone: boolean;
  exited: Promise<void>;
}

export function createCaptureHost(o: CaptureHostOptions) {
  const idleExitMs = o.idleExitMs ?? 60_000;
  const unresponsiveMs = o.unresponsiveMs ?? 10_000;
  const childOptions: CaptureChildOptions = {
    executablePath: o.executablePath,
    launchTimeoutMs: o.launchTimeoutMs,
  };
  let current: Child | undefined;
  /** A child still closing: the next one waits for it, so two browsers never run side by side. */
  let stopping: Promise<void> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  // The browser's version outlives the child that reported it: the executable is the same.
  let version: string | undefined;
  let lastId = 0;

  function start(): Child {
    const cp = fork(CHILD_FILE, [JSON.stringify(childOptions)], {
      serialization: 'advanced',
      execArgv: CHILD_EXEC_ARGV,
      // The child writes nothing itself; Node's own fatal messages (out of memory) still show.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let exited!: () => void;
    const c: Child = {
      process: cp,
      pending: new Map(),
      browser: { version: undefined, running: false },
      stopping: false,
      gone: false,
      exited: new Promise<void>((resolve) => (exited = resolve)),
    };
    cp.on('message', (m: FromCaptureChild) => answered(c, m));
    cp.once('exit', (code, signal) => {
      gone(c, c.stopping ? 'was closed' : `ended unexpectedly (${signal ?? `exit code ${code}`})`);
      exited();
    });
    cp.on('error', (err) => {
      // Spawning failed (no 'exit' follows); other errors (a message to a dead child) end in 'exit'.
      if (cp.pid === undefined) {
        gone(c, `could not start: ${err.message}`);
        exited();
      }
    });
    return c;
  }

  function answered(c: Child, m: FromCaptureChild): void {
    c.browser = m.browser;
    version = m.browser.version ?? version;
    const p = c.pending.get(m.id);
    if (!p) return;
    c.pending.delete(m.id);
    clearTimeout(p.timer);
    if (p.timedOut !== undefined) p.reject(new CaptureTimeoutError(p.timedOut));
    else if (m.type === 'result') p.resolve(m.result);
    else p.reject(receivedError(m.error));
  }

  function gone(c: Child, what: string): void {
    if (c.gone) return;
    c.gone = true;
    c.browser = { version: c.browser.version, running: false };
    if (current === c) current = undefined;
    for (const p of c.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new BrowserUnavailableError(`the browser's capture process ${what}`, 'failing'));
    }
    c.pending.clear();
  }

  function send(c: Child, m: ToCaptureChild): void {
    // A child that cannot be reached is ending: its 'exit' fails what it had.
    if (c.process.connected) c.process.send(m, () => {});
  }

  // A child with nothing to do never keeps the service's process alive; one at work, or closing, does.
  function hold(c: Child): void {
    c.process.ref();
    c.process.channel?.ref();
  }
  function release(c: Child): void {
    c.process.unref();
    c.process.channel?.unref();
  }

  function stop(c: Child): Promise<void> {
    if (current === c) current = undefined;
    if (!c.gone && !c.stopping) {
      c.stopping = true;
      hold(c);
      send(c, { type: 'exit' });
      const kill = setTimeout(() => c.process.kill('SIGKILL'), unresponsiveMs);
      void c.exited.then(() => clearTimeout(kill));
    }
    const done = c.exited.then(() => {
      if (stopping === done) stopping = undefined;
    });
    stopping = done;
    return done;
  }

  function idleAfterwards(c: Child): void {
    if (c.gone || c.pending.size > 0 || current !== c) return;
    release(c);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (current === c && c.pending.size === 0) void stop(c);
    }, idleExitMs);
    idleTimer.unref();
  }

  async function child(): Promise<Child> {
    while (!current && stopping) await stopping;
    current ??= start();
    return current;
  }

  return {
    executablePath: o.executablePath,
    /** Captures a page in a fresh browser context of the child (starting it, and the browser, if needed). */
    async capture(call: CaptureCall): Promise<CapturedPage> {
      clearTimeout(idleTimer);
      const c = await child();
      hold(c);
      const id = ++lastId;
      try {
        return await new Promise<CapturedPage>((resolve, reject) => {
          const p: Pending = { resolve, reject };
          c.pending.set(id, p);
          send(c, { type: 'capture', id, request: call.request, context: call.context, warc: call.warc });
          p.timer = setTimeout(() => {
            p.timedOut = `the capture took longer than ${call.timeoutMs} ms`;
            send(c, { type: 'abandon', id });
            p.timer = setTimeout(() => c.process.kill('SIGKILL'), unresponsiveMs);
          }, call.timeoutMs);
        });
      } finally {
        idleAfterwards(c);
      }
    },
    /** `156.0.8078.129`, once a capture has run. */
    version(): string | undefined {
      return version;
    },
    /** Whether a browser is up now (in a live child). */
    running(): boolean {
      return Boolean(current && !current.gone && current.browser.running);
    },
    /** The child's process id while one runs. */
    childPid(): number | undefined {
      return current?.gone ? undefined : current?.process.pid;
    },
    /** Ends the child and its browser (a later capture starts them again). */
    async close(): Promise<void> {
      clearTimeout(idleTimer);
      if (current) await stop(current);
      else if (stopping) await stopping;
    },
  };
}

export type CaptureHost = ReturnType<typeof createCaptureHost>;
