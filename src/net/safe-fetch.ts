import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import {
  assertAllowedAddress,
  BlockedUrlError,
  checkUrlShape,
  literalAddress,
  type NetworkPolicy,
} from './address-policy.ts';

// fetch() for URLs that somebody typed or that a post carries (feeds, deletion checks): every hop
// of a redirect is checked again, and the address is checked inside the socket's own DNS lookup,
// so the address checked is the address connected to (a DNS answer that changes between a check
// and the connection — rebinding — cannot slip through). Answers are real WHATWG Responses.

export { BlockedUrlError } from './address-policy.ts';

export interface SafeFetchInit {
  network: NetworkPolicy;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Redirects followed at most; one more is an error. */
  maxRedirects?: number;
  /** Name resolution (the system resolver by default). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const systemResolve = (host: string) => dns.promises.lookup(host, { all: true, verbatim: true });

/** A `lookup` for net.connect that refuses the connection when any answer is out of bounds. */
export function guardedLookup(
  policy: NetworkPolicy,
  resolve: NonNullable<SafeFetchInit['resolve']> = systemResolve,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = answers.filter((a) => wanted === 0 || a.family === wanted);
        try {
          if (usable.length === 0) throw new BlockedUrlError(`${hostname} has no address`);
          // Every answer is checked, not only the first: the socket may try them all.
          for (const a of usable) assertAllowedAddress(a.address, hostname, policy);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, '', 0);
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

function toHeaders(raw: string[], dropEncoding: boolean): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (dropEncoding && (name === 'content-encoding' || name === 'content-length')) continue;
    try {
      headers.append(name, raw[i + 1]!);
    } catch {
      // A header value the Fetch standard refuses: the answer is still usable without it.
    }
  }
  return headers;
}

function decoded(res: http.IncomingMessage): { stream: Readable; decoded: boolean } {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  // Decompressed output is bounded by the caller reading it (a gzip bomb stops at its size cap).
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  if (!decoder) return { stream: res, decoded: false };
  res.on('error', (err) => decoder.destroy(err));
  decoder.on('close', () => res.destroy());
  return { stream: res.pipe(decoder), decoded: true };
}

function once(url: URL, init: SafeFetchInit, method: string, body: string | undefined) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const literal = literalAddress(url);
    if (literal !== null) assertAllowedAddress(literal, literal, init.network);
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method,
      headers: { 'accept-encoding': 'gzip, deflate, br', ...init.headers },
      // A fresh connection per request: a pooled socket opened under another policy is never reused.
      agent: false,
      lookup: guardedLookup(init.network, init.resolve),
      signal: init.signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

/** fetch() with the network policy enforced on every hop. Throws BlockedUrlError on a refusal. */
export async function safeFetch(input: string | URL, init: SafeFetchInit): Promise<Response> {
  const maxRedirects = init.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let url = checkUrlShape(input);
  let method = init.method ?? 'GET';
  let body = init.body;
  const headers = { ...init.headers };
  for (let hop = 0; ; hop++) {
    init.signal?.throwIfAborted();
    const res = await once(url, { ...init, headers }, method, body);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location) {
      res.destroy();
      if (hop >= maxRedirects) throw new BlockedUrlError(`too many redirects (more than ${maxRedirects})`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new BlockedUrlError('redirected to an invalid URL');
      }
      next = checkUrlShape(next);
      if (next.origin !== url.origin) {
        // Credentials meant for one server are not handed to the next.
        for (const name of Object.keys(headers))
          if (/^(authorization|cookie)$/i.test(name)) delete headers[name];
      }
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    if (status < 200 || status > 599) {
      res.destroy();
      throw new Error(`unusable HTTP status ${status}`);
    }
    const nullBody = method === 'HEAD' || NULL_BODY.has(status);
    let response: Response;
    if (nullBody) {
      res.resume();
      response = new Response(null, { status, headers: toHeaders(res.rawHeaders, false) });
    } else {
      const d = decoded(res);
      response = new Response(Readable.toWeb(d.stream) as ReadableStream<Uint8Array>, {
        status,
        headers: toHeaders(res.rawHeaders, d.decoded),
      });
    }
    Object.defineProperty(response, 'url', { value: url.href });
    Object.defineProperty(response, 'redirected', { value: hop > 0 });
    return response;
  }
}
