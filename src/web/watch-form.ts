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

export type WatchParse = { ok: true; definition: WatchConfig } | { ok: false; errors: string[] };

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
  const oldBsky = existing?.bluesky;
  if (bsky.length || oldBsky?.handle) candidate.bluesky = { ...(oldBsky ?? {}), queries: bsky };
  else delete candidate.bluesky;
  // `review` is the default: stored only when the owner chose the scorer-based shield.
  if (form.ownerShield && form.ownerShield !== 'review') candidate.ownerShield = form.ownerShield;
  else delete candidate.ownerShield;
  if (form.archiveMinLevel) candidate.archiveMinLevel = form.archiveMinLevel;
  else delete candidate.archiveMinLevel;
  const parsed = watchSchema.safeParse(candidate);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join('.') || 'watch'}: ${i.message}`),
    };
  return { ok: true, definition: parsed.data };
}
