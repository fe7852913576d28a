import type { WatchConfig } from '../config/schema.ts';
import { watchSchema } from '../config/watch-schema.ts';

// The watch editor's form: common settings as plain fields (one item per line); settings the form
// does not show are kept from the stored definition. Validated with the configuration's schema.

export interface WatchForm {
  id?: string;
  names?: string;
  xHandle?: string;
  xSearch?: string;
  feeds?: string;
  blueskyQueries?: string;
  blueskyHandle?: string;
  mastodonHashtags?: string;
  mastodonQueries?: string;
  redditQueries?: string;
  hackernewsQueries?: string;
  ownAccounts?: string;
  flag?: string;
  never?: string;
  schedule?: string;
  archiveMinLevel?: string;
  recipients?: string;
  /** `review` or `scorer` (config/watch-schema.ts ownerShield). */
  ownerShield?: string;
}

const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export function formFromDefinition(def: WatchConfig | undefined): Required<WatchForm> {
  return {
    id: def?.id ?? '',
    names: (def?.names ?? []).join('\n'),
    xHandle: def?.x?.handle ?? '',
    xSearch: def?.x?.search ?? '',
    feeds: (def?.feeds ?? []).join('\n'),
    blueskyQueries: (def?.bluesky?.queries ?? []).join('\n'),
    blueskyHandle: def?.bluesky?.handle ?? '',
    mastodonHashtags: (def?.mastodon?.hashtags ?? []).join('\n'),
    mastodonQueries: (def?.mastodon?.queries ?? []).join('\n'),
    redditQueries: (def?.reddit?.queries ?? []).join('\n'),
    hackernewsQueries: (def?.hackernews?.queries ?? []).join('\n'),
    ownAccounts: (def?.ownAccounts ?? []).join('\n'),
    flag: (def?.words?.flag ?? []).map((f) => `${f.term};${f.category};${f.severity}`).join('\n'),
    never: (def?.words?.never ?? []).join('\n'),
    schedule: def?.schedule ?? '*/5 * * * *',
    archiveMinLevel: def?.archiveMinLevel ?? '',
    recipients: (def?.recipients ?? [])
      .map((r) => [r.email, r.role, r.language, r.digest].join(' '))
      .join('\n'),
    ownerShield: def?.ownerShield ?? 'review',
  };
}

export type WatchParse =
  | { ok: true; definition: WatchConfig }
  | { ok: false; errors: string[]; issues: { path: string[]; message: string }[] };

/** The form field a schema path belongs to, for an error the reader can place. */
const FIELD_OF: Record<string, string> = {
  id: 'watches.id',
  names: 'watches.names',
  x: 'watches.handle',
  feeds: 'watches.feeds',
  bluesky: 'watches.blueskyQueries',
  mastodon: 'watches.mastodonQueries',
  reddit: 'watches.redditQueries',
  hackernews: 'watches.hackernewsQueries',
  ownAccounts: 'watches.own',
  words: 'watches.flag',
  schedule: 'watches.schedule',
  recipients: 'watches.recipients',
};

/**
 * Errors in the reader's words: the field's label, and which line of it when it is a list, then
 * what was expected (the schema's explanation, given in English where no translation exists).
 */
export function formErrors(
  issues: readonly { path: string[]; message: string }[],
  t: (key: string) => string,
): string[] {
  return issues.map((i) => {
    const [top, second, third] = i.path;
    let key = FIELD_OF[top ?? ''] ?? 'watches.title';
    if (top === 'x' && second === 'search') key = 'watches.search';
    if (top === 'bluesky' && second === 'handle') key = 'watches.blueskyHandle';
    if (top === 'mastodon' && second === 'hashtags') key = 'watches.mastodonHashtags';
    if (top === 'words' && second === 'never') key = 'watches.never';
    const index = [second, third].find((p) => p !== undefined && /^\d+$/.test(p));
    const line = index !== undefined ? ` (${t('watches.line')} ${Number(index) + 1})` : '';
    return `${t(key)}${line}: ${t('watches.invalidValue')} — ${i.message}`;
  });
}

export function definitionFromForm(existing: WatchConfig | undefined, form: WatchForm): WatchParse {
  const base: Record<string, unknown> = existing
    ? (structuredClone(existing) as unknown as Record<string, unknown>)
    : {};
  // Private data is never stored in the definition (it is encrypted elsewhere): never echo it back.
  delete base.private;
  const candidate: Record<string, unknown> = {
    ...base,
    id: existing?.id ?? form.id?.trim(),
    names: lines(form.names),
    feeds: lines(form.feeds),
    ownAccounts: lines(form.ownAccounts),
    schedule: form.schedule?.trim() || '*/5 * * * *',
    words: {
      flag: lines(form.flag).map((l) => {
        const [term, category, severity] = l.split(';').map((s) => s.trim());
        return {
          term,
          ...(category ? { category } : {}),
          ...(severity ? { severity: Number(severity) } : {}),
        };
      }),
      never: lines(form.never),
    },
    recipients: lines(form.recipients).map((l) => {
      const [email, role, language, digest] = l.split(/[\s;,]+/);
      const old = existing?.recipients?.find((r) => r.email === email);
      return {
        ...(old ?? {}),
        email,
        role: role ?? old?.role ?? 'proxy',
        ...(language ? { language } : {}),
        ...(digest ? { digest } : {}),
      };
    }),
  };
  const x = { handle: form.xHandle?.trim() || undefined, search: form.xSearch?.trim() || undefined };
  if (x.handle || x.search) candidate.x = x;
  else delete candidate.x;
  const bsky = lines(form.blueskyQueries);
  // A form that has no handle field (the setup page) keeps the stored handle.
  const bskyHandle =
    form.blueskyHandle === undefined ? existing?.bluesky?.handle : form.blueskyHandle.trim() || undefined;
  if (bsky.length || bskyHandle)
    candidate.bluesky = { queries: bsky, ...(bskyHandle ? { handle: bskyHandle } : {}) };
  else delete candidate.bluesky;
  // `review` is the default: stored only when the owner chose the scorer-based shield.
  if (form.ownerShield && form.ownerShield !== 'review') candidate.ownerShield = form.ownerShield;
  else delete candidate.ownerShield;
  // Mastodon, Reddit, Hacker News: kept from the stored definition when the form has no such field.
  const listOr = (value: string | undefined, old: string[] | undefined) =>
    value === undefined ? (old ?? []) : lines(value);
  const hashtags = listOr(form.mastodonHashtags, existing?.mastodon?.hashtags);
  const mQueries = listOr(form.mastodonQueries, existing?.mastodon?.queries);
  if (hashtags.length || mQueries.length) candidate.mastodon = { hashtags, queries: mQueries };
  else delete candidate.mastodon;
  for (const [key, value] of [
    ['reddit', listOr(form.redditQueries, existing?.reddit?.queries)],
    ['hackernews', listOr(form.hackernewsQueries, existing?.hackernews?.queries)],
  ] as const) {
    if (value.length) candidate[key] = { queries: value };
    else delete candidate[key];
  }
  if (form.archiveMinLevel) candidate.archiveMinLevel = form.archiveMinLevel;
  else delete candidate.archiveMinLevel;
  const parsed = watchSchema.safeParse(candidate);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join('.') || 'watch'}: ${i.message}`),
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    };
  return { ok: true, definition: parsed.data };
}
