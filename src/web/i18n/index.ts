import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';

export const LANGS = ['fr', 'en'] as const;
export type UiLang = (typeof LANGS)[number];
export type { MessageKey };

const CATALOGS: Record<UiLang, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey) => string;

export function translator(lang: UiLang): Translate {
  const catalog = CATALOGS[lang];
  return (key) => catalog[key] ?? en[key] ?? key;
}

/** The user's choice first, then the browser's Accept-Language (by quality), then English. */
export function pickLang(userLang: string | null | undefined, acceptLanguage: string | undefined): UiLang {
  if (userLang === 'fr' || userLang === 'en') return userLang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: (tag ?? '').toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.base)
    .sort((a, b) => b.q - a.q);
  for (const r of ranked) if (r.base === 'fr' || r.base === 'en') return r.base;
  return 'en';
}
