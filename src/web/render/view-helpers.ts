import { translator, type UiLang } from '../i18n/index.ts';
import { labelHelpers } from '../i18n/labels.ts';
import { dayInZone, formatInZone } from './time-zone.ts';
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

const HELPERS = new Map<string, ReturnType<typeof makeHelpers>>();

/** The page helpers for one language and time zone (built once per pair: called for every page). */
export function viewHelpers(lang: UiLang, timeZone: string) {
  const key = `${lang} ${timeZone}`;
  let h = HELPERS.get(key);
  if (!h) {
    h = makeHelpers(lang, timeZone);
    if (HELPERS.size < 2000) HELPERS.set(key, h);
  }
  return h;
}

function makeHelpers(lang: UiLang, timeZone: string) {
  const plurals = new Intl.PluralRules(lang);
  return {
    ...labelHelpers(lang, translator(lang)),
    /**
     * The catalogue key for a count: `${base}.one` or `${base}.other` by the language's rule
     * (French says "0 post hostile", English "0 hostile posts").
     */
    plural: (n: number, base: string) => `${base}.${plurals.select(n) === 'one' ? 'one' : 'other'}`,
    timeZone,
    /** "2026-11-20 09:30" in the reader's zone (time-zone.ts). */
    fmt: (ms: number | null | undefined) => formatInZone(ms, timeZone),
    isoDay: (ms: number | null | undefined) => dayInZone(ms, timeZone),
    highlight: highlightSegments,
    safeHref,
    /** An author's handle or name as lists show it (attacker-chosen, any length). */
    name: (s: string | null | undefined) => cutText(s ?? '', NAME_CHARS),
    handle: (p: { authorHandle: string | null; authorName: string | null }) =>
      p.authorHandle ? `@${p.authorHandle}` : (p.authorName ?? '—'),
  };
}
