import { categoryName, levelName } from '../../vocabulary/abuse-words.ts';
import { en, type MessageKey } from './en.ts';
import type { Translate, UiLang } from './index.ts';

// Ids stored in the database (levels, categories, source kinds, statuses, archive states, custody
// events, audit actions, roles) as the reader's words. An id the catalogue does not know yet (a
// newer module's) shows as itself rather than as nothing.

function has(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export function labelHelpers(lang: UiLang, t: Translate) {
  const named = (prefix: string, id: string | null | undefined, fallback = '—'): string => {
    if (!id) return fallback;
    const key = `${prefix}.${id}`;
    return has(key) ? t(key) : id;
  };
  const category = (c: string) => categoryName(lang, c);

  /** An audit entry's details (stored as JSON) as "where: PHAROS · reference: X", translated. */
  function auditDetail(detail: string | null | undefined): string {
    if (!detail) return '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(detail);
    } catch {
      return detail;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return String(parsed);
    const parts: string[] = [];
    const colon = lang === 'fr' ? ' : ' : ': ';
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (v === null || v === undefined || v === '') continue;
      let value: string;
      if (k === 'status') value = named('status', String(v));
      else if (k === 'channel') value = named('channel', String(v));
      else if (k === 'minLevel') value = levelName(lang, String(v));
      else if (k === 'role') value = named('role', String(v));
      else if (k === 'lang') value = v === 'fr' ? 'Français' : v === 'en' ? 'English' : t('account.langAuto');
      else if (typeof v === 'boolean') value = t(v ? 'auditDetail.yes' : 'auditDetail.no');
      else if (Array.isArray(v)) value = v.map(String).join(', ');
      else if (typeof v === 'object') value = JSON.stringify(v);
      else value = String(v);
      parts.push(`${named('auditDetail', k, k)}${colon}${value}`);
    }
    return parts.join(' · ');
  }

  return {
    levelLabel: (l: string | null | undefined) => (l ? levelName(lang, l) : '—'),
    categoryLabel: category,
    categoriesLabel: (cs: readonly string[]) => cs.map(category).join(', '),
    sourceLabel: (kind: string | null | undefined) => named('source', kind),
    statusLabel: (s: string | null | undefined) => named('status', s || 'new'),
    archiveLabel: (s: string | null | undefined) => named('archiveStatus', s),
    eventLabel: (type: string | null | undefined) => named('event', type),
    actionLabel: (a: string | null | undefined) => named('auditAction', a),
    roleLabel: (r: string | null | undefined) => named('role', r),
    actorLabel: (a: string | null | undefined) => (a === 'system' ? t('actor.system') : (a ?? '—')),
    auditDetail,
  };
}

export type LabelHelpers = ReturnType<typeof labelHelpers>;
