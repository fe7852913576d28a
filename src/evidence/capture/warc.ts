import { WARCRecord, WARCSerializer } from 'warcio';

// The page as the browser received it, as a WARC/1.1 file (ISO 28500): a warcinfo record, then a
// request and a response record per exchange, each with its WARC-Payload-Digest (sha256, base32,
// as pywb and warcio write them). A Vigie-made page (the X post card) is a `resource` record.

export interface RecordedExchange {
  url: string;
  method: string;
  requestHeaders: Record<string, string>;
  requestBody?: Uint8Array;
  status: number;
  statusText: string;
  /** As received, in order (repeated names kept). */
  responseHeaders: { name: string; value: string }[];
  /** The body as the browser handed it over: decoded (no gzip/br), so the encoding headers are dropped. */
  body: Uint8Array;
  at: number;
  /** The address the browser connected to. */
  serverIp?: string;
}

export interface WarcInfo {
  software: string;
  browser: string;
  description: string;
}

// Headers describing the transfer, not the content: the payload is stored decoded and whole.
const TRANSFER_HEADERS = new Set(['content-encoding', 'transfer-encoding', 'content-length']);

function warcDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function* chunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

async function serialize(record: WARCRecord): Promise<Uint8Array> {
  return WARCSerializer.serialize(record, {
    gzip: false,
    digest: { algo: 'sha-256', prefix: 'sha256:', base32: true },
  });
}

function requestTarget(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}` || '/';
}

/** A page of Vigie's making (the X post card), kept as a `resource` record. */
export interface WarcResource {
  url: string;
  contentType: string;
  body: Uint8Array;
  at: number;
}

/** The WARC bytes of these exchanges (and Vigie-made resources). */
export async function buildWarc(
  info: WarcInfo,
  exchanges: readonly RecordedExchange[],
  resources: readonly WarcResource[] = [],
  at = Date.now(),
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const infoRecord = WARCRecord.createWARCInfo(
    { filename: 'page.warc', warcVersion: 'WARC/1.1', date: warcDate(at) },
    {
      software: info.software,
      'http-header-user-agent': info.browser,
      format: 'WARC File Format 1.1',
      conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
      description: info.description,
      note: 'response payloads are stored decoded as the browser received them; Content-Encoding, Transfer-Encoding and Content-Length are left out',
    },
  );
  parts.push(await serialize(infoRecord));
  for (const x of exchanges) {
    const date = warcDate(x.at);
    const request = WARCRecord.create(
      {
        url: x.url,
        date,
        type: 'request',
        warcVersion: 'WARC/1.1',
        statusline: `${x.method} ${requestTarget(x.url)} HTTP/1.1`,
        httpHeaders: x.requestHeaders,
      },
      chunks(x.requestBody ?? new Uint8Array()),
    );
    const headers: Record<string, string> = {};
    for (const h of x.responseHeaders) {
      const name = h.name.toLowerCase();
      if (TRANSFER_HEADERS.has(name)) continue;
      headers[h.name] = name in headers ? `${headers[h.name]}, ${h.value}` : h.value;
    }
    headers['Content-Length'] = String(x.body.length);
    const response = WARCRecord.create(
      {
        url: x.url,
        date,
        type: 'response',
        warcVersion: 'WARC/1.1',
        statusline: `HTTP/1.1 ${x.status} ${x.statusText || 'Status'}`,
        httpHeaders: headers,
        warcHeaders: x.serverIp ? { 'WARC-IP-Address': x.serverIp } : {},
      },
      chunks(x.body),
    );
    const responseBytes = await serialize(response);
    const responseId = response.warcHeaders.headers.get('WARC-Record-ID');
    if (responseId) request.warcHeaders.headers.set('WARC-Concurrent-To', responseId);
    parts.push(await serialize(request), responseBytes);
  }
  for (const r of resources) {
    const record = WARCRecord.create(
      {
        url: r.url,
        date: warcDate(r.at),
        type: 'resource',
        warcVersion: 'WARC/1.1',
        warcHeaders: { 'Content-Type': r.contentType },
      },
      chunks(r.body),
    );
    parts.push(await serialize(record));
  }
  return Buffer.concat(parts);
}
