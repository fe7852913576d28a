import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listenOnLoopback } from './http-fake.ts';

// Pages for the browser to capture, on 127.0.0.1: a social post page with an image and a style
// sheet (as Mastodon or Bluesky serve them: HTML, then subresources), X's public embed page (its
// post in an <article>, or the "unavailable" page X shows for a removed post), a page that never
// answers, a 404, a redirect, and the same post page over HTTPS with a self-signed certificate.

// A 1×1 PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export interface CapturePages {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Requests to /hang still open. */
  hanging(): number;
  close(): Promise<void>;
}

function postPage(id: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Post ${id}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><main><article class="post" data-id="${id}"><header><img src="/static/avatar.png" alt="" width="48" height="48">
<b>troll1</b> @troll1</header><p class="text">Post ${id}: un message hostile envers Alice Martin</p>
<time datetime="2026-11-20T10:00:00Z">20 nov. 2026</time></article></main></body></html>`;
}

function handler(requests: string[], open: Set<http.ServerResponse>) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url.pathname + url.search);
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
    };
    if (url.pathname.startsWith('/post/'))
      return send(200, 'text/html; charset=utf-8', postPage(url.pathname.slice(6)));
    if (url.pathname === '/static/site.css')
      return send(200, 'text/css', 'body{font-family:sans-serif} .text{font-size:20px}');
    if (url.pathname === '/static/avatar.png') return send(200, 'image/png', PIXEL);
    if (url.pathname === '/embed/Tweet.html') {
      const id = url.searchParams.get('id') ?? '';
      if (id.startsWith('gone'))
        return send(
          200,
          'text/html; charset=utf-8',
          '<!doctype html><html><body><div>This Post is unavailable.</div></body></html>',
        );
      if (id.startsWith('err')) return send(500, 'text/plain', 'embed error');
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><html><head><meta charset="utf-8"><title>X embed</title></head><body>
<article data-tweet-id="${id.replace(/\D/g, '')}"><div>troll1 @troll1</div><p>Embedded post ${id.replace(/\D/g, '')}</p></article></body></html>`,
      );
    }
    if (url.pathname === '/missing') return send(404, 'text/html', '<h1>Not found</h1>');
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: '/post/redirected' });
      return res.end();
    }
    if (url.pathname === '/hang') {
      // Never answers: the capture's navigation time-out has to end it.
      open.add(res);
      res.on('close', () => open.delete(res));
      return;
    }
    send(404, 'text/plain', 'no such page');
  };
}

export async function startCapturePages(): Promise<CapturePages> {
  const requests: string[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer(handler(requests, open));
  const l = await listenOnLoopback(server);
  return {
    url: l.url,
    requests,
    hanging: () => open.size,
    close: () => l.close(),
  };
}

/** The post pages over HTTPS, with a throw-away self-signed certificate for 127.0.0.1 (made by openssl). */
export async function startSelfSignedPages(): Promise<CapturePages & { certPem: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-selfsigned-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1/O=Vigie test site',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const certPem = readFileSync(cert, 'utf8');
  const requests: string[] = [];
  const open = new Set<http.ServerResponse>();
  const server = https.createServer({ key: readFileSync(key), cert: certPem }, handler(requests, open));
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    certPem,
    hanging: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
