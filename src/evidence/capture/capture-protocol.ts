import { BlockedUrlError } from '../../net/address-policy.ts';
import { BrowserUnavailableError, type ContextOptions } from './browser-host.ts';
import { PageCaptureError, type PageCaptureRequest, type PageCaptureResult } from './page-capture.ts';
import type { WarcInfo, WarcResource } from './warc.ts';

// The messages between the service and its capture process (capture-child.ts), sent over the
// fork's IPC channel with the 'advanced' serialization (structured clone: Buffers arrive as Buffers).
// Errors are sent as plain data and rebuilt on arrival, keeping the kinds the capturer and its
// breaker branch on: a browser failure is not a page failure.

/** What the capture process is started with (its one argument, as JSON). */
export interface CaptureChildOptions {
  executablePath: string;
  launchTimeoutMs?: number;
}

/**
 * What the WARC of a capture says of itself, and the pages of Vigie's making it also holds; the
 * browser's name and version are added by the capture process, which knows them.
 */
export interface WarcRequest {
  info: Omit<WarcInfo, 'browser'>;
  resources: WarcResource[];
}

/**
 * A page as the capture process returns it: the exchanges the page made are already written into
 * the WARC there, so their bodies (up to 64 MB) never cross into the service, nor does warcio.
 */
export type CapturedPage = Omit<PageCaptureResult, 'exchanges'> & { warc: Uint8Array };

export type ToCaptureChild =
  | {
      type: 'capture';
      id: number;
      request: PageCaptureRequest;
      context: ContextOptions;
      warc: WarcRequest;
    }
  /** Give up on this capture (its time is over): close its context, then answer for it. */
  | { type: 'abandon'; id: number }
  /** Close the browser and end. */
  | { type: 'exit' };

/** The browser's state as the capture process sees it after a capture. */
export interface BrowserState {
  version: string | undefined;
  running: boolean;
}

export type SentError =
  | { kind: 'browser-unavailable'; message: string; reason: 'missing' | 'failing' }
  | { kind: 'page'; message: string; status?: number }
  | { kind: 'blocked'; message: string }
  | { kind: 'other'; message: string; name: string };

export type FromCaptureChild =
  | { type: 'result'; id: number; result: CapturedPage; browser: BrowserState }
  | { type: 'error'; id: number; error: SentError; browser: BrowserState };

export function sendableError(err: unknown): SentError {
  if (err instanceof BrowserUnavailableError)
    return { kind: 'browser-unavailable', message: err.message, reason: err.reason };
  if (err instanceof PageCaptureError) return { kind: 'page', message: err.message, status: err.status };
  if (err instanceof BlockedUrlError) return { kind: 'blocked', message: err.message };
  if (err instanceof Error) return { kind: 'other', message: err.message, name: err.name };
  return { kind: 'other', message: String(err), name: 'Error' };
}

export function receivedError(e: SentError): Error {
  switch (e.kind) {
    case 'browser-unavailable':
      return new BrowserUnavailableError(e.message, e.reason);
    case 'page':
      return new PageCaptureError(e.message, e.status);
    case 'blocked':
      return new BlockedUrlError(e.message);
    case 'other': {
      const err = new Error(e.message);
      err.name = e.name;
      return err;
    }
  }
}
