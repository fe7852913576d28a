import type { BrowserContext } from 'playwright-core';
import { createBrowserHost } from './browser-host.ts';
import {
  sendableError,
  type CaptureChildOptions,
  type FromCaptureChild,
  type ToCaptureChild,
} from './capture-protocol.ts';
import { capturePage } from './page-capture.ts';
import { buildWarc } from './warc.ts';

// The capture process: started by the service (capture-host.ts) at its first capture, it loads
// playwright-core, launches Chromium and captures pages on request, each in a fresh context. The
// service's own process never loads either, and once this one ends (idle, or closed) neither
// stays in memory. It writes nothing of its own: what a capture did is for the service to log.

const options = JSON.parse(process.argv[2] ?? '{}') as CaptureChildOptions;
const browser = createBrowserHost(options);

interface Job {
  context?: BrowserContext;
  abandoned: boolean;
  answered: boolean;
}
const jobs = new Map<number, Job>();

function reply(message: FromCaptureChild): void {
  // The channel is gone when the service has ended: the 'disconnect' handler is closing up.
  if (process.connected) process.send!(message);
}

/** Answers for a capture once, and only once: an abandoned one may be answered before it settles. */
function answer(id: number, job: Job, message: FromCaptureChild): void {
  if (job.answered) return;
  job.answered = true;
  jobs.delete(id);
  reply(message);
}

async function capture(m: Extract<ToCaptureChild, { type: 'capture' }>): Promise<void> {
  const job: Job = { abandoned: false, answered: false };
  jobs.set(m.id, job);
  let message: FromCaptureChild;
  try {
    job.context = await browser.newContext(m.context);
    if (job.abandoned) throw new Error('the capture was abandoned');
    const { exchanges, ...page } = await capturePage(job.context, m.request);
    const browserName = `chromium ${browser.version() ?? 'unknown'}`;
    const warc = await buildWarc({ ...m.warc.info, browser: browserName }, exchanges, m.warc.resources);
    message = { type: 'result', id: m.id, result: { ...page, warc }, browser: state() };
  } catch (err) {
    message = { type: 'error', id: m.id, error: sendableError(err), browser: state() };
  } finally {
    // Closing the context also ends whatever the page was still waiting for.
    await job.context?.close().catch(() => {});
  }
  answer(m.id, job, message);
}

async function abandon(id: number): Promise<void> {
  const job = jobs.get(id);
  if (!job || job.abandoned) return;
  job.abandoned = true;
  // Still opening its context: capture() gives up as soon as it has one.
  if (!job.context) return;
  // A closed context fails the page's pending navigation or screenshot, but not every call:
  // playwright's newPage() never settles when its context closes meanwhile. So the answer is given
  // once the context is closed, whatever capturePage() is still waiting for.
  await job.context.close().catch(() => {});
  answer(id, job, {
    type: 'error',
    id,
    error: sendableError(new Error('the capture was abandoned')),
    browser: state(),
  });
}

function state() {
  return { version: browser.version(), running: browser.running() };
}

let ending = false;
async function end(): Promise<void> {
  if (ending) return;
  ending = true;
  await browser.close();
  process.exit(0);
}

process.on('message', (m: ToCaptureChild) => {
  if (m.type === 'capture') void capture(m);
  else if (m.type === 'abandon') void abandon(m.id);
  else void end();
});
// The service ended without closing this process: nothing will ask for captures any more.
process.on('disconnect', () => void end());
// Ctrl-C at a terminal reaches the whole process group; the service closes this process itself.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => void end());
