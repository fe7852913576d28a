import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import { STRINGS, type Lang, type Strings } from './i18n.ts';

export const EMAILS_DIR = fileURLToPath(new URL('../../dashboard/emails', import.meta.url));

// HTML parts escape every interpolation (post text and author names are written by attackers);
// text parts are not HTML, so they are not escaped, but attacker text reaching them is cleaned
// of control and direction-override characters by `cleanText` first.
const html = new Eta({ views: EMAILS_DIR, autoEscape: true, autoTrim: false, cache: true });
const text = new Eta({ views: EMAILS_DIR, autoEscape: false, autoTrim: false, cache: true });

/** Removes characters that could reorder or hide text (bidi overrides, zero-width) or move a terminal's cursor. */
export function cleanText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\r\n?/g, '\n');
}

export interface ItemView {
  excerpt: string;
  meta: string;
  url: string;
}

export interface DigestView {
  title: string;
  periodLine: string;
  intro: string;
  hostile: number;
  hostileLabel: string;
  total: number;
  totalLabel: string;
  trend: string;
  levels: { label: string; count: number }[];
  categories: { label: string; count: number }[];
  wave: string;
  evidence: string;
  actions: string[];
  repeatLine: string;
  /** Absent for the owner: shielding is structural, not a template condition. */
  repeatAuthors?: string[];
  items?: ItemView[];
}

export interface NoticeView {
  title: string;
  paragraphs: string[];
  items?: ItemView[];
  advice?: string;
  /** A link to the dashboard view this notice is about (a wave's posts, the look-alikes page). */
  link?: { label: string; url: string };
}

export interface Frame {
  lang: Lang;
  subject: string;
  watchId: string;
  dashboardUrl: string;
  unsubscribeUrl?: string | null;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

function render(name: 'digest' | 'notice', frame: Frame, view: DigestView | NoticeView): Rendered {
  const t: Strings = STRINGS[frame.lang];
  const data = { ...frame, ...view, t };
  return {
    subject: cleanText(frame.subject).replace(/\n/g, ' '),
    html: html.render(`./${name}-html`, data),
    text:
      text
        .render(`./${name}-text`, data)
        .replace(/\n{3,}/g, '\n\n')
        .trim() + '\n',
  };
}

export function renderDigest(frame: Frame, view: DigestView): Rendered {
  return render('digest', frame, view);
}

export function renderNotice(frame: Frame, view: NoticeView): Rendered {
  return render('notice', frame, view);
}
