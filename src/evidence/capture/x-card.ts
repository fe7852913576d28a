import { escapeHtml } from '../../escape-html.ts';

// X posts. x.com shows nothing without a login, so the capture is of X's public embed rendering
// (platform.twitter.com/embed/Tweet.html?id=…). When that fails, Vigie renders the API answer it
// stored as a post card: a page of its own making, titled as what it is, never passed off as a
// screenshot of x.com. Every value from the payload is escaped.

/** The public embed page of post `id`. */
export function xEmbedUrl(base: string, id: string): string {
  const u = new URL(base);
  u.searchParams.set('id', id);
  return u.toString();
}

interface XPayload {
  data?: {
    id?: unknown;
    text?: unknown;
    created_at?: unknown;
    author_id?: unknown;
    public_metrics?: unknown;
  };
  includes?: { users?: { id?: unknown; username?: unknown; name?: unknown }[] };
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

/** The title every card carries, in both languages of the reports. */
export function xCardTitle(receivedAtIso: string): string {
  return `A rendering of the API answer received at ${receivedAtIso} (not a screenshot of x.com)`;
}

/** The card page for the stored API answer `raw` (JSON text) of post `id`, received at `receivedAt`. */
export function renderXCard(o: { raw: string; id: string; url: string | null; receivedAt: number }): string {
  let p: XPayload = {};
  try {
    p = JSON.parse(o.raw) as XPayload;
  } catch {
    // Not JSON: the card shows the raw text as it is.
  }
  const tweet = p.data ?? {};
  const author = p.includes?.users?.find((u) => u.id === tweet.author_id) ?? p.includes?.users?.[0];
  const when = new Date(o.receivedAt).toISOString();
  const title = xCardTitle(when);
  const rows: [string, string][] = [
    ['Post id / identifiant', str(tweet.id) || o.id],
    ['URL', o.url ?? ''],
    ['Author / auteur', `${str(author?.name)} (@${str(author?.username)})`],
    ['Published (per X) / publié (selon X)', str(tweet.created_at)],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.45 system-ui,sans-serif;margin:24px;color:#111;background:#fff;max-width:760px}
.banner{border:3px solid #b00;background:#fff3f3;padding:12px 16px;font-weight:600}
.card{border:1px solid #ccc;border-radius:12px;padding:16px;margin-top:16px}
.text{white-space:pre-wrap;font-size:18px;margin:12px 0}
th{text-align:left;padding-right:12px;vertical-align:top;color:#555;font-weight:500}
pre{white-space:pre-wrap;word-break:break-all;font-size:12px;background:#f6f6f6;padding:8px}
</style></head><body>
<div class="banner">${escapeHtml(title)}<br>Rendu par Vigie de la réponse de l'API reçue le ${escapeHtml(when)} (pas une capture d'écran de x.com)</div>
<div class="card">
<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<div class="text">${escapeHtml(str(tweet.text) || o.raw)}</div>
</div>
<h3>API answer as stored / réponse de l'API telle que conservée</h3>
<pre>${escapeHtml(o.raw)}</pre>
</body></html>
`;
}
