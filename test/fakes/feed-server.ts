import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './http-fake.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A real HTTP feed server on 127.0.0.1 for the feed adapter's tests: serves documents per path,
// answers conditional GETs with 304 like a real server would, records every request, and can
// misbehave on demand (hang, reset, 5xx, 429…).

export interface FeedResponse {
  /** The document; a Buffer to serve exact bytes (other encodings, huge bodies). */
  body: string | Buffer;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  status?: number;
  headers?: Record<string, string>;
}

export type Fault = 'hang' | 'reset' | '500' | '502' | '503' | '429' | '404' | '410';

export interface FaultOptions {
  /** How many requests this fault answers before the feed is served again (default 1). */
  times?: number;
  /** Retry-After header for 429 / 503. */
  retryAfter?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeFeedServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  setFeed(path: string, response: FeedResponse): void;
  injectFault(path: string, fault: Fault, options?: FaultOptions): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeFeedServer(): Promise<FakeFeedServer> {
  const feeds = new Map<string, FeedResponse>();
  const faults = new Map<string, { fault: Fault; options: FaultOptions }[]>();
  const requests: RecordedRequest[] = [];

  const send = (res: ServerResponse, status: number, headers: Record<string, string> = {}, body = '') => {
    res.writeHead(status, headers);
    res.end(body);
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });

    const queue = faults.get(path);
    const next = queue?.[0];
    if (queue && next) {
      const remaining = (next.options.times ?? 1) - 1;
      if (remaining <= 0) queue.shift();
      else next.options.times = remaining;
      const retryAfter: Record<string, string> = next.options.retryAfter
        ? { 'retry-after': next.options.retryAfter }
        : {};
      switch (next.fault) {
        case 'hang':
          return; // Never answers; close() destroys the socket.
        case 'reset':
          req.socket.destroy();
          return;
        case '429':
        case '503':
          return send(res, Number(next.fault), { 'content-type': 'text/plain', ...retryAfter }, 'slow down');
        default:
          return send(
            res,
            Number(next.fault),
            { 'content-type': 'text/html' },
            `<html><body>${next.fault}</body></html>`,
          );
      }
    }

    const feed = feeds.get(path);
    if (!feed) return send(res, 404, { 'content-type': 'text/html' }, '<html><body>Not Found</body></html>');
    const status = feed.status ?? 200;
    const headers: Record<string, string> = {
      'content-type': feed.contentType ?? 'application/xml; charset=utf-8',
      ...feed.headers,
    };
    if (feed.etag) headers['etag'] = feed.etag;
    if (feed.lastModified) headers['last-modified'] = feed.lastModified;

    if (status === 200) {
      // RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are sent.
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const notModified =
        inm !== undefined
          ? feed.etag !== undefined &&
            inm
              .split(',')
              .map((s) => s.trim())
              .includes(feed.etag)
          : ims !== undefined &&
            feed.lastModified !== undefined &&
            Date.parse(feed.lastModified) <= Date.parse(ims);
      if (notModified) {
        const h: Record<string, string> = {};
        if (feed.etag) h['etag'] = feed.etag;
        if (feed.lastModified) h['last-modified'] = feed.lastModified;
        return send(res, 304, h);
      }
    }
    res.writeHead(status, headers);
    res.end(feed.body);
  });
  const { url, close } = await listenOnLoopback(server);

  return {
    url,
    requests,
    setFeed(path, response) {
      feeds.set(path, response);
    },
    injectFault(path, fault, options = {}) {
      const queue = faults.get(path) ?? [];
      queue.push({ fault, options: { ...options } });
      faults.set(path, queue);
    },
    close,
  };
}

// ── Document builders: feeds with any number of items, in the three formats ──────────────────

export interface FeedItemSpec {
  id?: string;
  link?: string;
  title?: string;
  /** HTML body (description / content). */
  html?: string;
  author?: string;
  date?: Date;
  lang?: string;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const opt = (tag: string, value: string | undefined, attrs = '') =>
  value === undefined ? '' : `<${tag}${attrs}>${xmlEscape(value)}</${tag}>`;

/** `n` items numbered 1…n, newest first, one minute apart. */
export function makeItems(n: number, base = Date.UTC(2024, 0, 15, 12, 0, 0)): FeedItemSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `urn:test:item:${i + 1}`,
    link: `https://example.org/posts/${i + 1}`,
    title: `Post ${i + 1}`,
    html: `<p>Body of <b>post</b> ${i + 1}</p>`,
    author: `Author ${i + 1}`,
    date: new Date(base - i * 60_000),
  }));
}

export function buildRss2(items: FeedItemSpec[], channel: { title?: string; lang?: string } = {}): string {
  const body = items
    .map(
      (it) =>
        `<item>${opt('title', it.title)}${opt('link', it.link)}${opt('guid', it.id, ' isPermaLink="false"')}` +
        `${opt('description', it.html)}${opt('dc:creator', it.author)}${opt('pubDate', it.date?.toUTCString())}</item>`,
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>` +
    `${opt('title', channel.title ?? 'Test RSS 2.0')}<link>https://example.org/</link>${opt('language', channel.lang)}\n${body}\n</channel>\n</rss>\n`
  );
}

export function buildRss1(items: FeedItemSpec[], channel: { title?: string; lang?: string } = {}): string {
  const seq = items.map((it) => `<rdf:li rdf:resource="${xmlEscape(it.id ?? it.link ?? '')}"/>`).join('');
  const body = items
    .map(
      (it) =>
        `<item${it.id ? ` rdf:about="${xmlEscape(it.id)}"` : ''}>${opt('title', it.title)}${opt('link', it.link)}` +
        `${opt('description', it.html)}${opt('dc:creator', it.author)}${opt('dc:date', it.date?.toISOString())}</item>`,
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ` +
    `xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n` +
    `<channel rdf:about="https://example.org/rss">${opt('title', channel.title ?? 'Test RSS 1.0')}<link>https://example.org/</link>` +
    `<description>test</description>${opt('dc:language', channel.lang)}<items><rdf:Seq>${seq}</rdf:Seq></items></channel>\n${body}\n</rdf:RDF>\n`
  );
}

export function buildAtom(items: FeedItemSpec[], feed: { title?: string; lang?: string } = {}): string {
  const body = items
    .map(
      (it) =>
        `<entry${it.lang ? ` xml:lang="${xmlEscape(it.lang)}"` : ''}>${opt('id', it.id)}${opt('title', it.title)}` +
        `${it.link ? `<link rel="alternate" type="text/html" href="${xmlEscape(it.link)}"/>` : ''}` +
        `${opt('published', it.date?.toISOString())}${opt('updated', it.date?.toISOString())}` +
        `${it.author ? `<author><name>${xmlEscape(it.author)}</name></author>` : ''}${opt('content', it.html, ' type="html"')}</entry>`,
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"${feed.lang ? ` xml:lang="${xmlEscape(feed.lang)}"` : ''}>\n` +
    `<id>urn:test:feed</id>${opt('title', feed.title ?? 'Test Atom')}<updated>2024-01-15T12:00:00Z</updated>\n${body}\n</feed>\n`
  );
}

// ── The Google Alerts fixture ─────────────────────────────────────────────────────────────────

export const GOOGLE_ALERTS_FIXTURE = fileURLToPath(
  new URL('../fixtures/feeds/google-alerts-sample.atom.xml', import.meta.url),
);

export function googleAlertsXml(): string {
  return readFileSync(GOOGLE_ALERTS_FIXTURE, 'utf8');
}

/** Serves the real Google Alerts feed at `path` (Google's path shape by default) and returns its URL. */
export function serveGoogleAlerts(
  server: FakeFeedServer,
  path = '/alerts/feeds/04175468913983673025/4428013283581841004',
  extra: Partial<FeedResponse> = {},
): string {
  server.setFeed(path, {
    body: googleAlertsXml(),
    contentType: 'application/atom+xml; charset=utf-8',
    ...extra,
  });
  return server.url + path;
}
