import type { UiLang } from '../i18n/index.ts';
import { cutText, NAME_CHARS } from './excerpt.ts';

export interface Segment {
  text: string;
  hit: boolean;
  category?: string;
}

/** Splits the text at the scorer's match offsets so the template can mark them (escaped as text). */
export function highlightSegments(text: string, matches: readonly unknown[]): Segment[] {
  const spans = matches
    .filter(
      (m): m is { start: number; end: number; category?: string } =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as { start?: unknown }).start === 'number' &&
        typeof (m as { end?: unknown }).end === 'number',
    )
    .map((m) => ({ start: Math.max(0, m.start), end: Math.min(text.length, m.end), category: m.category }))
    .filter((m) => m.end > m.start)
    .sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let pos = 0;
  for (const m of spans) {
    if (m.start < pos) continue; // overlapping match: the first one wins
    if (m.start > pos) out.push({ text: text.slice(pos, m.start), hit: false });
    out.push({ text: text.slice(m.start, m.end), hit: true, category: m.category });
    pos = m.end;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}

/** Only http(s) links are ever put in an href: `javascript:` and `data:` URLs become nothing. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const HELPERS = { fr: makeHelpers('fr'), en: makeHelpers('en') };

export function viewHelpers(lang: UiLang) {
  return HELPERS[lang];
}

/**
 * "2026-11-20 08:30 UTC": unambiguous in both languages, sorts as text, and costs a fraction of
 * Intl formatting (called for every row of every page).
 */
export function formatUtc(ms: number | null | undefined): string {
  if (!ms) return '—';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function makeHelpers(lang: UiLang) {
  const plurals = new Intl.PluralRules(lang);
  return {
    /**
     * The catalogue key for a count: `${base}.one` or `${base}.other` by the language's rule
     * (French says "0 post hostile", English "0 hostile posts").
     */
    plural: (n: number, base: string) => `${base}.${plurals.select(n) === 'one' ? 'one' : 'other'}`,
    fmt: formatUtc,
    isoDay: (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().slice(0, 10) : ''),
    highlight: highlightSegments,
    safeHref,
    /** An author's handle or name as lists show it (attacker-chosen, any length). */
    name: (s: string | null | undefined) => cutText(s ?? '', NAME_CHARS),
    handle: (p: { authorHandle: string | null; authorName: string | null }) =>
      p.authorHandle ? `@${p.authorHandle}` : (p.authorName ?? '—'),
  };
}
