// A real HTTP server on 127.0.0.1 that misbehaves the way hostile or broken feed servers do:
// documents with entity bombs, gzip bombs, bodies that trickle or never end, redirect loops.
import http from 'node:http';
import zlib from 'node:zlib';
import { listenOnLoopback } from './http-fake.ts';

export type HostileRoute =
  | { kind: 'document'; body: string | Buffer; contentType?: string }
  | { kind: 'gzip-bomb'; inflatedBytes: number }
  | { kind: 'trickle'; intervalMs: number }
  | { kind: 'endless'; chunkBytes: number }
  | { kind: 'redirect-loop' }
  | { kind: 'redirect'; to: string };

export interface HostileFeedServer {
  url: string;
  requests: string[];
  route(path: string, route: HostileRoute): void;
  close(): Promise<void>;
}

export async function startHostileFeedServer(): Promise<HostileFeedServer> {
  const routes = new Map<string, HostileRoute>();
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const bombs = new Map<number, Buffer>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    switch (route.kind) {
      case 'document':
        res.writeHead(200, { 'content-type': route.contentType ?? 'application/rss+xml' }).end(route.body);
        return;
      case 'gzip-bomb': {
        let gz = bombs.get(route.inflatedBytes);
        if (!gz)
          bombs.set(route.inflatedBytes, (gz = zlib.gzipSync(Buffer.alloc(route.inflatedBytes, 0x20))));
        res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(gz);
        return;
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<rss version="2.0"><channel>');
        const t = setInterval(() => res.write(' '), route.intervalMs);
        timers.add(t);
        res.on('close', () => clearInterval(t));
        return;
      }
      case 'endless': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const chunk = Buffer.alloc(route.chunkBytes, 0x61);
        const pump = () => {
          while (res.write(chunk)) {
            /* until the socket pushes back */
          }
        };
        res.on('drain', pump);
        pump();
        return;
      }
      case 'redirect-loop':
        res.writeHead(302, { location: path }).end();
        return;
      case 'redirect':
        res.writeHead(302, { location: route.to }).end();
        return;
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    requests,
    route(path, route) {
      // The bomb is built once, before any request: building it is not the client's cost.
      if (route.kind === 'gzip-bomb' && !bombs.has(route.inflatedBytes))
        bombs.set(route.inflatedBytes, zlib.gzipSync(Buffer.alloc(route.inflatedBytes, 0x20)));
      routes.set(path, route);
    },
    close() {
      for (const t of timers) clearInterval(t);
      return listening.close();
    },
  };
}
