import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Local pages for the capture bench, on 127.0.0.1: a post page of about the weight of a social
// network's public post page without its scripts (HTML, a style sheet, two images, ~40 kB of text).

const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const FILLER = Array.from(
  { length: 120 },
  (_, i) => `<p class="reply">Réponse ${i} : un fil de discussion ordinaire, avec des mots et des liens.</p>`,
).join('\n');

function page(id: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Post ${id}</title>
<link rel="stylesheet" href="/static/site.css"></head><body><main>
<article><header><img src="/static/avatar.png" width="48" height="48" alt=""> <b>troll1</b></header>
<p class="text">Post ${id} : un message hostile envers Alice Martin</p><img src="/static/media.png" width="400" height="200" alt=""></article>
<section>${FILLER}</section></main></body></html>`;
}

export async function startBenchPages(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0]!;
    if (p.startsWith('/post/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(p.slice(6)));
    }
    if (p === '/static/site.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      return res.end('body{font:16px sans-serif;max-width:700px;margin:auto}.text{font-size:20px}');
    }
    if (p.endsWith('.png')) {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(PIXEL);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
