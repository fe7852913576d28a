import { LEVELS } from '../scoring/index.ts';
import type { DossierPost, PostDecisions } from './dossier-repo.ts';
import {
  categoryWords,
  levelWords,
  translator,
  verifySteps,
  wordFor,
  type ReportLang,
  type WordKey,
} from './report-i18n.ts';
import { escapeHtml as esc } from '../escape-html.ts';
import { cutText } from '../text/cut.ts';

const REPORT_TEXT_CHARS = 20_000;
const REPORT_NAME_CHARS = 1_000;

// report.html: one self-contained, printable page (no script, no outside resource; a CSP meta tag
// makes sure of it). Every attacker-written string goes through `esc`, links only keep http(s) URLs.

export interface ReportInput {
  watchId: string;
  watchNames: readonly string[];
  generatedAt: number;
  from?: number;
  to?: number;
  minLevel: string;
  ledgerHead: string;
  posts: readonly DossierPost[];
  lang: ReportLang;
  timestamped: boolean;
  /** Review decisions and reports filed, by post id. */
  decisions?: ReadonlyMap<number, PostDecisions>;
}

/** Most serious first: a post is shown once, under its most serious category. */
const GROUPS: { key: WordKey; categories: string[] }[] = [
  { key: 'cat_threat', categories: ['threat'] },
  { key: 'cat_sexual_harassment', categories: ['sexual_harassment'] },
  { key: 'cat_suicide_incitement', categories: ['suicide_incitement'] },
  { key: 'cat_doxxing', categories: ['doxxing', 'doxxing_language'] },
  { key: 'cat_impersonation', categories: ['impersonation'] },
  { key: 'cat_hate', categories: ['hate'] },
  { key: 'cat_insult', categories: ['insult'] },
];

export function safeHref(url: string | null): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  return esc(url);
}

export const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined
    ? '—'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, ' UTC');

export function groupOf(p: Pick<DossierPost, 'categories'> & { humanLabel?: string | null }): WordKey {
  // A post marked hostile by hand is filed under the category the person chose.
  const cats = p.humanLabel ? [...p.categories, p.humanLabel] : p.categories;
  for (const g of GROUPS) if (g.categories.some((c) => cats.includes(c))) return g.key;
  return 'cat_other';
}

function timeline(posts: readonly DossierPost[], t: (k: WordKey) => string): string {
  if (posts.length === 0) return '';
  const times = posts.map((p) => p.createdAt ?? p.firstSeenAt);
  const span = Math.max(...times) - Math.min(...times);
  const byHour = span <= 2 * 86_400_000;
  const buckets = new Map<string, number>();
  for (const at of times) {
    const key = new Date(at).toISOString().slice(0, byHour ? 13 : 10) + (byHour ? ':00 UTC' : '');
    buckets.set(key, (buckets.get(key) ?? 0) + 1);
  }
  const max = Math.max(...buckets.values());
  const rows = [...buckets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, n]) =>
        `<tr><td>${esc(k.replace('T', ' '))}</td><td class="n">${n}</td><td class="bar"><span style="width:${Math.max(2, Math.round((n / max) * 100))}%"></span></td></tr>`,
    )
    .join('\n');
  return `<table class="timeline"><thead><tr><th>${t(byHour ? 'hour' : 'day')}</th><th>${t('count')}</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** The review decision and the reports filed about a post, as definition-list rows. */
export function decisionRows(d: PostDecisions | undefined, t: (k: WordKey) => string): string {
  const review = d?.review
    ? `${esc(wordFor(t, 'status', d.review.status))} — ${esc(iso(d.review.at))}${d.review.by ? ` — ${t('reportBy')} ${esc(d.review.by)}` : ''}`
    : esc(wordFor(t, 'status', 'new'));
  const reports = d?.reports.length
    ? `<ul class="reports">${d.reports
        .map(
          (r) =>
            `<li>${esc(wordFor(t, 'channel', r.channel))} — ${esc(iso(r.reportedAt))}${r.reference ? ` — ${t('reference')} <bdi class="mono">${esc(r.reference)}</bdi>` : ''}${r.by ? ` — ${t('reportBy')} ${esc(r.by)}` : ''}</li>`,
        )
        .join('')}</ul>`
    : t('noReport');
  return `<dt>${t('review')}</dt><dd>${review}</dd>\n<dt>${t('reports')}</dt><dd>${reports}</dd>`;
}

function postBlock(p: DossierPost, t: (k: WordKey) => string, lang: ReportLang, d?: PostDecisions): string {
  const href = safeHref(p.url);
  const archive = safeHref(p.captureUrl);
  const author = cutText(
    [p.authorName, p.authorHandle ? `@${p.authorHandle}` : null].filter(Boolean).join(' ') || '—',
    REPORT_NAME_CHARS,
  );
  // One attacker-written post can be a 1 MB word: the report shows a long excerpt, the dossier's
  // posts.jsonl (hash-checked) holds the whole text.
  const text = cutText(p.text, REPORT_TEXT_CHARS);
  const cut = text !== p.text ? `\n<p class="cut">[${t('textCut')} ${p.text.length}]</p>` : '';
  return `<article class="post" id="post-${p.id}">
<h3>#${p.id} · ${esc(p.platform)} · ${esc(iso(p.createdAt ?? p.firstSeenAt))}</h3>
<dl>
<dt>${t('author')}</dt><dd><bdi>${esc(author)}</bdi></dd>
<dt>${t('url')}</dt><dd class="mono">${href ? `<a href="${href}">${esc(p.url!)}</a>` : esc(p.url ?? '—')}</dd>
<dt>${t('published')}</dt><dd>${esc(iso(p.createdAt))}</dd>
<dt>${t('seen')}</dt><dd>${esc(iso(p.firstSeenAt))}</dd>
<dt>${t('level')}</dt><dd>${esc(p.level ? levelWords(lang, p.level) : '—')} (${p.score ?? '—'})</dd>
<dt>${t('categories')}</dt><dd>${esc(categoryWords(lang, p.categories) || '—')}</dd>
${p.humanLabel ? `<dt>${t('humanLabel')}</dt><dd class="human-label">${esc(categoryWords(lang, [p.humanLabel]))}</dd>` : ''}
<dt>${t('archive')}</dt><dd class="mono">${archive ? `<a href="${archive}">${esc(p.captureUrl!)}</a>` : `${t('noArchive')}${p.archiveStatus ? ` (${esc(p.archiveStatus)})` : ''}`}</dd>
<dt>${t('sha')}</dt><dd class="mono">${esc(p.rawSha256)}</dd>
${p.deletedUpstreamAt ? `<dt>${t('deleted')}</dt><dd class="deleted">${esc(iso(p.deletedUpstreamAt))}</dd>` : ''}
${decisionRows(d, t)}
</dl>
<div class="label">${t('text')}</div>
<pre class="text"><bdi>${esc(text)}</bdi></pre>${cut}
</article>`;
}

export function renderReport(r: ReportInput): string {
  const t = translator(r.lang);
  const groups = new Map<WordKey, DossierPost[]>();
  for (const p of r.posts) {
    const key = groupOf(p);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const order = [...GROUPS.map((g) => g.key), 'cat_other' as const].filter((k) => groups.has(k));
  const summary = order
    .map((k) => `<tr><td><a href="#${k}">${t(k)}</a></td><td class="n">${groups.get(k)!.length}</td></tr>`)
    .join('\n');
  const sections = order
    .map(
      (k) =>
        `<section id="${k}"><h2>${t(k)} (${groups.get(k)!.length})</h2>\n<p class="law"><b>${t('offence')}</b> ${t(k.replace(/^cat_/, 'law_') as WordKey)}</p>\n${groups
          .get(k)!
          .map((p) => postBlock(p, t, r.lang, r.decisions?.get(p.id)))
          .join('\n')}\n</section>`,
    )
    .join('\n');
  const steps = verifySteps(r.lang, r.timestamped)
    .map((list) => `<ol>${list.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>`)
    .join('\n');
  const htmlLang = r.lang === 'en' ? 'en' : 'fr';
  const levels = LEVELS.slice(LEVELS.indexOf(r.minLevel as (typeof LEVELS)[number])).map((l) =>
    wordFor(t, 'level', l),
  );
  return `<!doctype html>
<html lang="${htmlLang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${t('title')} — ${esc(r.watchId)}</title>
<style>
body{font:11pt/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;max-width:60em;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #444;padding-bottom:.2em;margin-top:2em}h3{font-size:1em;margin:0 0 .4em}
table{border-collapse:collapse}td,th{padding:.15em .6em;text-align:left;vertical-align:top}.n{text-align:right}
.meta td:first-child{font-weight:600}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.post{border:1px solid #bbb;border-radius:4px;padding:.8em 1em;margin:1em 0;page-break-inside:avoid;break-inside:avoid}
dl{display:grid;grid-template-columns:14em 1fr;gap:.1em .8em;margin:0 0 .5em}dt{font-weight:600}dd{margin:0}
pre.text{white-space:pre-wrap;word-wrap:break-word;background:#f4f4f4;border-left:3px solid #888;padding:.5em .8em;margin:.2em 0 0;font:inherit;unicode-bidi:isolate}
.law{font-size:.9em;color:#333}.reports{margin:0;padding-left:1.2em}.label{font-weight:600}.deleted{color:#a00;font-weight:600}
.timeline .bar{width:20em}.timeline .bar span{display:inline-block;height:.8em;background:#555}
@media print{body{margin:0;max-width:none}a{color:#000}h2{page-break-before:auto;page-break-after:avoid}}
</style>
</head>
<body>
<h1>${t('title')}</h1>
<table class="meta">
<tr><td>${t('watch')}</td><td>${esc(r.watchId)} — ${esc(r.watchNames.join(', '))}</td></tr>
<tr><td>${t('generated')}</td><td>${esc(iso(r.generatedAt))}</td></tr>
<tr><td>${t('period')}</td><td>${r.from !== undefined ? esc(iso(r.from)) : t('all')} → ${r.to !== undefined ? esc(iso(r.to)) : esc(iso(r.generatedAt))}</td></tr>
<tr><td>${t('minLevel')}</td><td>${esc(levels.map((l) => levelWords(r.lang, l)).join(', '))}</td></tr>
<tr><td>${t('postsCount')}</td><td>${r.posts.length}</td></tr>
<tr><td>${t('ledgerHead')}</td><td class="mono">${esc(r.ledgerHead)}</td></tr>
</table>
<h2>${t('summary')}</h2>
<table>${summary || `<tr><td>${t('none')}</td></tr>`}</table>
<p class="law">${t('law_harassment')}</p>
<h2>${t('timeline')}</h2>
${timeline(r.posts, t)}
${sections}
<h2>${t('verifyTitle')}</h2>
${steps}
</body>
</html>
`;
}
