import type { DossierPost, PostDecisions } from './dossier-repo.ts';
import { decisionRows, groupOf, iso, safeHref } from './report-html.ts';
import { translator, wordFor, type ReportLang, type WordKey } from './report-i18n.ts';
import { escapeHtml as esc } from '../escape-html.ts';
import { cutText } from '../text/cut.ts';

// One printable A4 page per post (summaries/post-<id>.html in the dossier), for a lawyer to print
// and bring to a police station or attach to a letter to the prosecutor: the URL, the time (UTC
// and local), the author, the exact text, a capture thumbnail when the dossier holds one, the
// archive link and the fingerprints. Attacker-written strings all go through `esc`.

/** A file of a post's page capture inside the dossier (made by the capture feature). */
export interface CaptureFile {
  kind: 'png' | 'pdf' | 'warc' | (string & {});
  /** Path inside the dossier ZIP, e.g. `captures/12/page.png`. */
  path: string;
  sha256: string;
}

/** The capture files a dossier holds for each post (empty when none was made). */
export interface PostCaptures {
  filesFor(postId: number): readonly CaptureFile[];
}

export const NO_CAPTURES: PostCaptures = { filesFor: () => [] };

/** What fits on one page: the whole text is in posts.jsonl. */
const SUMMARY_TEXT_CHARS = 1_500;
const SUMMARY_NAME_CHARS = 200;

export function summaryFileName(postId: number): string {
  return `summaries/post-${postId}.html`;
}

export function renderPostSummary(
  p: DossierPost,
  o: { lang: ReportLang; timeZone: string; captures: readonly CaptureFile[]; decisions?: PostDecisions },
): string {
  const t = translator(o.lang);
  const href = safeHref(p.url);
  const archive = safeHref(p.captureUrl);
  const author = cutText(
    [p.authorName, p.authorHandle ? `@${p.authorHandle}` : null].filter(Boolean).join(' ') || '—',
    SUMMARY_NAME_CHARS,
  );
  const text = cutText(p.text, SUMMARY_TEXT_CHARS);
  const cut = text !== p.text ? `<p class="cut">[${t('textCut')} ${p.text.length}]</p>` : '';
  const when = p.createdAt ?? p.firstSeenAt;
  const png = o.captures.find((c) => c.kind === 'png');
  // The summary sits in summaries/: capture paths are relative to the dossier's root.
  const thumb = png
    ? `<img class="thumb" src="../${esc(encodeURI(png.path))}" alt="${t('capture')}">`
    : `<p class="none">${t('noCapture')}</p>`;
  const group = groupOf(p);
  return `<!doctype html>
<html lang="${o.lang === 'en' ? 'en' : 'fr'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' file: data:">
<meta name="referrer" content="no-referrer">
<title>${t('summaryTitle')} #${p.id}</title>
<style>
@page{size:A4;margin:12mm}
*{box-sizing:border-box}
body{font:9.5pt/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:0 auto;width:186mm;max-height:273mm;overflow:hidden}
h1{font-size:13pt;margin:0 0 2mm;border-bottom:2px solid #333;padding-bottom:1mm}
dl{display:grid;grid-template-columns:38mm 1fr;gap:.5mm 3mm;margin:0 0 2mm}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:8pt;word-break:break-all}
pre.text{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;border-left:3px solid #888;padding:2mm 3mm;margin:0 0 2mm;font:inherit;max-height:70mm;overflow:hidden;unicode-bidi:isolate}
.thumb{display:block;max-width:100%;max-height:85mm;object-fit:contain;object-position:left top;border:1px solid #bbb;margin:0 0 2mm}
.none{font-style:italic;color:#555;margin:0 0 2mm}.law{font-size:8.5pt}.cut{font-size:8pt;color:#555;margin:0}
.reports{margin:0;padding-left:4mm}footer{font-size:7.5pt;color:#555;border-top:1px solid #bbb;padding-top:1mm}
@media screen{body{margin:6mm auto;padding:6mm;outline:1px dashed #ccc}}
</style>
</head>
<body>
<h1>${t('summaryTitle')} #${p.id} · ${esc(p.platform)}</h1>
<dl>
<dt>${t('url')}</dt><dd class="mono">${href ? `<a href="${href}">${esc(p.url!)}</a>` : esc(p.url ?? '—')}</dd>
<dt>${t('published')}</dt><dd>${esc(iso(when))}</dd>
<dt>${t('publishedLocal')}</dt><dd>${esc(localTime(when, o.timeZone, o.lang))}</dd>
<dt>${t('author')}</dt><dd><bdi>${esc(author)}</bdi></dd>
<dt>${t('level')}</dt><dd>${esc(p.level ? wordFor(t, 'level', p.level) : '—')} · ${esc(p.categories.map((c) => wordFor(t, 'category', c)).join(', ') || '—')}</dd>
<dt>${t('offence')}</dt><dd class="law">${t(group.replace(/^cat_/, 'law_') as WordKey)}</dd>
${decisionRows(o.decisions, t)}
</dl>
<pre class="text"><bdi>${esc(text)}</bdi></pre>${cut}
${thumb}
<dl>
<dt>${t('archive')}</dt><dd class="mono">${archive ? `<a href="${archive}">${esc(p.captureUrl!)}</a>` : `${t('noArchive')}${p.archiveStatus ? ` (${esc(p.archiveStatus)})` : ''}`}</dd>
<dt>${t('sha')}</dt><dd class="mono">${esc(p.rawSha256)}</dd>
${o.captures.length ? `<dt>${t('captureFiles')}</dt><dd class="mono">${o.captures.map((c) => `${esc(c.path)}: ${esc(c.sha256)}`).join('<br>')}</dd>` : ''}
${p.deletedUpstreamAt ? `<dt>${t('deleted')}</dt><dd>${esc(iso(p.deletedUpstreamAt))}</dd>` : ''}
</dl>
<footer>${t('summaryFooter')}</footer>
</body>
</html>
`;
}

function localTime(ms: number, timeZone: string, lang: ReportLang): string {
  try {
    return `${new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'full', timeStyle: 'long', timeZone }).format(ms)} (${timeZone})`;
  } catch {
    return iso(ms);
  }
}
