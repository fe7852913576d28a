import type { MessageKind } from '../messages-repo.ts';

// One interface for every way a message reaches a person (like Uptime Kuma's notification
// providers): e-mail, signed webhook, ntfy, Telegram, Matrix, Signal. A channel gets a rendered
// message and a per-person target; the exactly-once record around it is the same for all
// (src/alerts/delivery.ts).

// The kinds are a list of their own, light enough for the CLI's help to load.
export { CHANNEL_KINDS, EXTRA_CHANNEL_KINDS, isChannelKind, type ChannelKind } from './channel-kinds.ts';
import type { ChannelKind } from './channel-kinds.ts';

export interface ChannelMessage {
  kind: MessageKind | 'test';
  watchId: string;
  /** The subject: names the watched person ("Alice Martin — threat"). */
  title: string;
  /** Plain text; attacker text in it is already masked and cleaned of control characters. */
  text: string;
  /** The e-mail's HTML part (other channels build their own markup from `text`). */
  html: string;
  /** Fixed when the intent is recorded, the same on every attempt: Message-ID, Matrix txnId, webhook delivery id. */
  idempotencyKey: string;
  unsubscribeUrl?: string | null;
  date: Date;
}

export interface ChannelHooks {
  /**
   * Called just before the point of no return (the request leaves, the SMTP end-of-data marker
   * is written), which waits for it to resolve. Until then the message provably was not delivered.
   */
  beforeCommit?: () => void | Promise<void>;
}

export interface ChannelResult {
  transport: string;
  /** The outbox file was already there (a previous attempt got through). */
  alreadyDelivered?: boolean;
}

/** The targets people type: a flat record of short strings, checked by each channel. */
export type Target = Record<string, string>;

export interface Channel {
  readonly kind: ChannelKind;
  /**
   * Whether sending again after an unknown outcome cannot duplicate the message (the server
   * dedupes by the idempotency key, or the transport is a file). A non-idempotent channel whose
   * attempt was interrupted after the request left records it as unconfirmed instead.
   */
  readonly idempotent: boolean;
  /** Whether the server-level settings this channel needs are present. */
  configured(): boolean;
  /** Checks a per-person target; throws TargetError with a plain message. */
  parseTarget(raw: unknown): Target;
  /** What may be shown or logged about a target: never a secret. */
  describe(target: Target): string;
  send(target: Target, message: ChannelMessage, hooks?: ChannelHooks): Promise<ChannelResult>;
}

export class TargetError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/**
 * A failed delivery. `afterCommit`: the request (or the end of data) had left when it failed;
 * `refused`: the server answered, so nothing was delivered; `retryAfterMs`: the server asked to
 * wait that long (a rate limit) before the next attempt.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly afterCommit: boolean,
    readonly refused: boolean,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** Reads a flat record of strings, trimming each field; unknown fields are dropped. */
export function stringFields(raw: unknown, fields: readonly string[]): Target {
  const src = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Target = {};
  for (const f of fields) {
    const v = src[f];
    if (typeof v === 'string' && v.trim() !== '') out[f] = v.trim();
  }
  return out;
}

export function required(t: Target, field: string, message: string): string {
  const v = t[field];
  if (!v) throw new TargetError(message, field);
  if (v.length > 500) throw new TargetError(`${field}: too long`, field);
  return v;
}
