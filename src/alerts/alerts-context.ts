import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { maskMatches, type Match } from '../scoring/index.ts';
import type { DigestRepo, TopItem } from './digest-repo.ts';
import { STRINGS, formatWhen, type Lang } from './i18n.ts';
import type { MessageIntent, MessageKind, MessagesRepo } from './messages-repo.ts';
import type { Recipient, RecipientsRepo } from './recipients-repo.ts';
import { cleanText, type ItemView, type Rendered } from './templates.ts';
import { signUnsubscribeToken } from './unsubscribe-token.ts';
import type { WavesRepo } from './waves-repo.ts';
import type { LookalikeRow } from '../identity/identity-repo.ts';

/** What the digest, alert and wave steps share. */
export interface AlertsContext {
  config: Readonly<Config>;
  log: Logger;
  recipients: RecipientsRepo;
  messages: MessagesRepo;
  waves: WavesRepo;
  digests: DigestRepo;
  links: Links;
  /** Look-alike accounts not yet told to the proxies (absent: no look-alike alerts). */
  lookalikes?: LookalikeSource;
}

export interface LookalikeSource {
  /** Candidates at least this similar (or confirmed), not dismissed, never notified. */
  unnotified(watchId: string, minSimilarity: number): Promise<LookalikeRow[]>;
  markNotified(ids: readonly number[], at: number): Promise<void>;
}

export interface Links {
  dashboard(watchId: string): string;
  post(postId: number): string;
  /** The triage list of a watch with these filters (e.g. a wave's posts, worst first). */
  triage(watchId: string, filters: Record<string, string>): string;
  /** The look-alike accounts page of a watch. */
  lookalikes(watchId: string): string;
  /** Reads (or creates) the stored signing key on first use. */
  unsubscribe(recipientId: number): Promise<string>;
  /** A stable Message-ID for what this message is about: every attempt reuses it. */
  messageId(recipientId: number, dedupeKey: string): string;
}

export function dashboardBase(config: Readonly<Config>): string {
  return (config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`).replace(
    /\/+$/,
    '',
  );
}

/** The links in messages; `unsubscribeKey` reads (or creates) the stored key on first use. */
export function alertLinks(config: Readonly<Config>, unsubscribeKey: () => Promise<string>): Links {
  const base = dashboardBase(config);
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mail.from)?.[1] ?? 'vigie.local';
  let key: string | undefined;
  return {
    dashboard: (watchId) => `${base}/?watch=${encodeURIComponent(watchId)}`,
    post: (postId) => `${base}/posts/${postId}`,
    triage: (watchId, filters) =>
      `${base}/triage?${new URLSearchParams({ watch: watchId, ...filters }).toString()}`,
    lookalikes: (watchId) => `${base}/lookalikes?watch=${encodeURIComponent(watchId)}`,
    async unsubscribe(recipientId) {
      key ??= await unsubscribeKey();
      return `${base}/unsubscribe?token=${encodeURIComponent(signUnsubscribeToken(key, recipientId))}`;
    },
    messageId(recipientId, dedupeKey) {
      const h = createHash('sha256').update(`${recipientId}\u0000${dedupeKey}`).digest('hex').slice(0, 24);
      return `<vigie.${recipientId}.${h}@${domain}>`;
    },
  };
}

const EXCERPT_CHARS = 240;

/** Masked, cleaned, shortened text of a post: matched words become `c*****d`. */
export function maskedExcerpt(text: string, matches: readonly Match[]): string {
  const masked = cleanText(maskMatches(text, matches)).replace(/\s+/g, ' ').trim();
  const chars = Array.from(masked);
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS - 1).join('')}…` : masked;
}

/** A post as a proxy sees it in an e-mail: masked excerpt, what it is, a link to reveal it. */
export function itemView(ctx: AlertsContext, item: TopItem, lang: Lang, timeZone: string): ItemView {
  const t = STRINGS[lang];
  const author = item.authorHandle ? `@${item.authorHandle}` : (item.authorName ?? '');
  const meta = [
    formatWhen(item.seenAt, lang, timeZone),
    item.platform,
    item.level ? (t.levels[item.level] ?? item.level) : '',
    item.categories.map((c) => t.categories[c] ?? c).join(', '),
    cleanText(author).slice(0, 80),
  ]
    .filter(Boolean)
    .join(' · ');
  return { excerpt: maskedExcerpt(item.text, item.matches), meta, url: ctx.links.post(item.id) };
}

/**
 * "Alice Martin — threat": subjects and chat titles name the watched person, so a proxy who
 * looks after several people knows at a glance whom a message is about.
 */
export function namedSubject(r: Pick<Recipient, 'watchName'>, subject: string): string {
  return `${r.watchName} — ${subject.replace(/^Vigie — /, '')}`;
}

/**
 * The rows of one outgoing message to one recipient, one per channel (e-mail, then each channel
 * the person added): each key follows from the dedupe key, so every attempt reuses the same
 * Message-ID (e-mail) or idempotency key (Matrix txnId, webhook delivery id).
 */
export function messageIntents(
  ctx: AlertsContext,
  r: Recipient,
  message: { kind: MessageKind; dedupeKey: string; rendered: Rendered },
  timing: Pick<MessageIntent, 'notBefore' | 'unsubscribeUrl' | 'periodStart' | 'periodEnd'>,
): MessageIntent[] {
  const common = {
    recipientId: r.id,
    watchId: r.watchId,
    kind: message.kind,
    dedupeKey: message.dedupeKey,
    subject: namedSubject(r, message.rendered.subject),
    textBody: message.rendered.text,
    htmlBody: message.rendered.html,
    ...timing,
  };
  return [
    {
      ...common,
      channel: 'email',
      channelId: null,
      messageId: ctx.links.messageId(r.id, message.dedupeKey),
      toAddress: r.email,
    },
    ...r.channels.map((c) => ({
      ...common,
      channel: `${c.kind}:${c.id}`,
      channelId: c.id,
      messageId: ctx.links.messageId(r.id, `${c.kind}:${c.id}\u0000${message.dedupeKey}`),
      toAddress: c.kind,
    })),
  ];
}
