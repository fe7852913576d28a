import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusedRange } from '../../src/net/address-policy.ts';
import { BlockedUrlError, safeFetch } from '../../src/net/safe-fetch.ts';

const STRICT = { allowPrivateAddresses: false };
const INTRANET = { allowPrivateAddresses: true };

/** A real server on 127.0.0.1 that counts what reaches it. */
interface Target {
  port: number;
  url: string;
  hits: string[];
  close(): Promise<void>;
}

async function startTarget(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Target> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function refusal(
  url: string,
  init: Parameters<typeof safeFetch>[1] = { network: STRICT },
): Promise<Error> {
  try {
    await safeFetch(url, init);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${url} to be refused`);
}

let target: Target;
beforeEach(async () => {
  target = await startTarget((req, res) => {
    if (req.url?.startsWith('/redirect-to?')) {
      res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect-to?'.length)) });
      res.end();
    } else if (req.url === '/loop') {
      res.writeHead(301, { location: '/loop' });
      res.end();
    } else if (req.url === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      res.end(zlib.gzipSync('hello compressed'));
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`SECRET-INTERNAL-BODY ${req.method} ${req.url}`);
    }
  });
});
afterEach(() => target.close());

describe('safeFetch() refuses private destinations unless network.allowPrivateAddresses', () => {
  const forms = (port: number) => [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://0:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::]:${port}/`,
  ];

  it('refuses every spelling of the loopback and unspecified address, and nothing reaches the server', async () => {
    for (const url of forms(target.port)) {
      const err = await refusal(url);
      expect(err, url).toBeInstanceOf(BlockedUrlError);
      expect(err.message).not.toMatch(/SECRET/);
    }
    expect(target.hits).toEqual([]);
  });

  it('refuses private, link-local, unique-local, carrier-grade NAT, multicast and broadcast addresses', async () => {
    for (const host of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '[fd00::1]',
      '[fe80::1]',
      '[ff02::1]',
      '[::ffff:10.0.0.1]',
      '[::ffff:a9fe:a9fe]',
    ]) {
      const err = await refusal(`http://${host}/latest/meta-data/`);
      expect(err, host).toBeInstanceOf(BlockedUrlError);
    }
  });

  it('refuses a name that resolves to a private address, checked in the connection itself', async () => {
    const asked: string[] = [];
    const resolve = async (host: string) => {
      asked.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const err = await refusal(`http://rebind.example:${target.port}/`, { network: STRICT, resolve });
    expect(err).toBeInstanceOf(BlockedUrlError);
    expect(err.message).toMatch(/rebind\.example resolves to 127\.0\.0\.1/);
    expect(asked).toEqual(['rebind.example']);
    expect(target.hits).toEqual([]);
  });

  it('refuses a name when any of its addresses is private (the socket may try them all)', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const err = await refusal(`http://mixed.example:${target.port}/`, { network: STRICT, resolve });
    expect(err).toBeInstanceOf(BlockedUrlError);
    expect(target.hits).toEqual([]);
  });

  it('connects to the very address it checked: a resolver that changes its answer is asked once', async () => {
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: calls === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    };
    const res = await safeFetch(`http://flip.example:${target.port}/x`, { network: INTRANET, resolve });
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(target.hits).toEqual(['GET /x']);
  });

  it('refuses credentials in the URL and schemes other than http(s)', async () => {
    const network = INTRANET;
    expect((await refusal(`http://user:pass@127.0.0.1:${target.port}/`, { network })).message).toMatch(
      /credentials/,
    );
    expect((await refusal(`http://user@127.0.0.1:${target.port}/`, { network })).message).toMatch(
      /credentials/,
    );
    expect((await refusal('file:///etc/passwd', { network })).message).toMatch(/scheme/);
    expect((await refusal('gopher://127.0.0.1/', { network })).message).toMatch(/scheme/);
    expect(target.hits).toEqual([]);
  });

  it('allows loopback and private addresses with network.allowPrivateAddresses, never link-local', async () => {
    const res = await safeFetch(`${target.url}/feed`, { network: INTRANET });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${target.url}/feed`);
    expect(await res.text()).toContain('GET /feed');
    expect(refusedRange('10.1.2.3', INTRANET)).toBeNull();
    expect(refusedRange('fd12::1', INTRANET)).toBeNull();
    expect(refusedRange('169.254.169.254', INTRANET)).toBe('linkLocal');
    expect(refusedRange('::ffff:169.254.169.254', INTRANET)).toBe('linkLocal');
    expect(refusedRange('93.184.216.34', STRICT)).toBeNull();
    expect(refusedRange('2606:4700::1111', STRICT)).toBeNull();
  });
});

describe('safeFetch() on redirects', () => {
  it('checks every hop again: a redirect to the metadata address is refused before connecting', async () => {
    const err = await refusal(
      `${target.url}/redirect-to?${encodeURIComponent('http://169.254.169.254/latest/')}`,
      {
        network: INTRANET,
      },
    );
    expect(err).toBeInstanceOf(BlockedUrlError);
    expect(err.message).toMatch(/169\.254\.169\.254/);
  });

  it('checks every hop again: a redirect to credentials or another scheme is refused', async () => {
    for (const to of [`http://a:b@127.0.0.1:${target.port}/`, 'file:///etc/passwd']) {
      const err = await refusal(`${target.url}/redirect-to?${encodeURIComponent(to)}`, { network: INTRANET });
      expect(err, to).toBeInstanceOf(BlockedUrlError);
    }
    expect(target.hits.filter((h) => !h.startsWith('GET /redirect-to'))).toEqual([]);
  });

  it('follows a few redirects, then stops a loop with an error', async () => {
    const ok = await safeFetch(`${target.url}/redirect-to?${encodeURIComponent('/final')}`, {
      network: INTRANET,
    });
    expect(ok.status).toBe(200);
    expect(ok.url).toBe(`${target.url}/final`);
    expect(ok.redirected).toBe(true);
    const err = await refusal(`${target.url}/loop`, { network: INTRANET, maxRedirects: 3 });
    expect(err.message).toMatch(/too many redirects/);
    expect(target.hits.filter((h) => h === 'GET /loop')).toHaveLength(4);
  });
});

describe('safeFetch() answers', () => {
  it('decompresses gzip bodies and drops the compressed length', async () => {
    const res = await safeFetch(`${target.url}/gzip`, { network: INTRANET });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe('hello compressed');
  });

  it('answers HEAD without a body', async () => {
    const res = await safeFetch(`${target.url}/x`, { network: INTRANET, method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('stops on its abort signal', async () => {
    const hang = await startTarget(() => {
      /* never answers */
    });
    try {
      const started = Date.now();
      const err = await refusal(`${hang.url}/`, { network: INTRANET, signal: AbortSignal.timeout(200) });
      expect(err.name).toMatch(/AbortError|TimeoutError/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await hang.close();
    }
  });
});
