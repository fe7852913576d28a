// A fake Save Page Now 2 + availability API on 127.0.0.1 (or a given address). Each URL is given a scenario; the fake
// answers like the live service (errors with HTTP 200, status_ext codes, pending jobs) and records
// every submission time so tests can check the rate never went over the limit.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Scenario =
  | { kind: 'success' }
  | { kind: 'pending-then-success'; pendingPolls: number }
  /** HTTP 429 to the first `times` submissions, then success. */
  | { kind: '429'; times: number; retryAfterSeconds?: number }
  /** HTTP 200 `{status:'error', status_ext:'error:user-session-limit'}` `times` times, then success. */
  | { kind: 'user-session-limit'; times: number }
  /** An error answered with HTTP 200 at submission (no job). */
  | { kind: 'error-200'; statusExt: string; times?: number }
  /** A job is created, then its status says error. */
  | { kind: 'job-error'; statusExt: string }
  /** Submission refused with too-many-daily-captures; the availability API knows `snapshotTimestamp`. */
  | { kind: 'too-many-daily-captures'; snapshotTimestamp?: string }
  /** The status stays pending for ever. */
  | { kind: 'pending-forever' }
  /** The submission never answers. */
  | { kind: 'hang' };

export interface Submission {
  at: number;
  url: string;
  authorization: string | undefined;
}

export interface FakeWayback {
  url: string;
  availabilityUrl: string;
  submissions: Submission[];
  statusRequests: number;
  setScenario(targetUrl: string, scenario: Scenario): void;
  /** Most submissions seen in any window of `windowMs` (sliding, over every pair of submissions). */
  maxInWindow(windowMs: number): number;
  close(): Promise<void>;
}

interface Job {
  url: string;
  polls: number;
  scenario: Scenario;
}

const TS = '20261126120000';

/** `host`: the address to listen on (default 127.0.0.1), e.g. a test network's bridge address. */
export async function startFakeWayback(options: { host?: string } = {}): Promise<FakeWayback> {
  const host = options.host ?? '127.0.0.1';
  const scenarios = new Map<string, Scenario>();
  const used = new Map<string, number>(); // submissions answered with a fault so far, per URL
  const jobs = new Map<string, Job>();
  const submissions: Submission[] = [];
  const sockets = new Set<Socket>();
  let statusRequests = 0;
  let seq = 0;

  const json = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && u.pathname === '/save') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const target = new URLSearchParams(body).get('url') ?? '';
        submissions.push({ at: Date.now(), url: target, authorization: req.headers.authorization });
        const sc = scenarios.get(target) ?? { kind: 'success' };
        const n = used.get(target) ?? 0;
        const fault = (times: number) => {
          if (n < times) {
            used.set(target, n + 1);
            return true;
          }
          return false;
        };
        switch (sc.kind) {
          case 'hang':
            return; // never answers; close() destroys the socket
          case '429':
            if (fault(sc.times))
              return json(
                res,
                429,
                { message: 'Too Many Requests' },
                sc.retryAfterSeconds !== undefined ? { 'retry-after': String(sc.retryAfterSeconds) } : {},
              );
            break;
          case 'user-session-limit':
            if (fault(sc.times))
              return json(res, 200, {
                status: 'error',
                status_ext: 'error:user-session-limit',
                message: 'You have already reached the limit of active sessions.',
              });
            break;
          case 'error-200':
            if (fault(sc.times ?? Infinity))
              return json(res, 200, {
                status: 'error',
                status_ext: `error:${sc.statusExt}`,
                message: `Simulated ${sc.statusExt}`,
              });
            break;
          case 'too-many-daily-captures':
            return json(res, 200, {
              status: 'error',
              status_ext: 'error:too-many-daily-captures',
              message: 'This URL has been already captured 10 times today.',
            });
          default:
            break;
        }
        const jobId = `spn2-${(++seq).toString(16).padStart(8, '0')}`;
        jobs.set(jobId, { url: target, polls: 0, scenario: sc });
        json(res, 200, { url: target, job_id: jobId });
      });
      return;
    }
    const statusMatch = u.pathname.match(/^\/save\/status\/(.+)$/);
    if (req.method === 'GET' && statusMatch) {
      statusRequests++;
      const job = jobs.get(decodeURIComponent(statusMatch[1]!));
      if (!job)
        return json(res, 200, { status: 'error', message: 'Job not found', exception: 'unknown job' });
      job.polls++;
      const sc = job.scenario;
      if (
        sc.kind === 'pending-forever' ||
        (sc.kind === 'pending-then-success' && job.polls <= sc.pendingPolls)
      ) {
        return json(res, 200, { status: 'pending', job_id: statusMatch[1], resources: [] });
      }
      if (sc.kind === 'job-error') {
        return json(res, 200, {
          status: 'error',
          status_ext: `error:${sc.statusExt}`,
          job_id: statusMatch[1],
          message: `Simulated ${sc.statusExt}`,
        });
      }
      return json(res, 200, {
        status: 'success',
        job_id: statusMatch[1],
        original_url: job.url,
        timestamp: TS,
        duration_sec: 6.2,
      });
    }
    if (req.method === 'GET' && u.pathname === '/wayback/available') {
      const target = u.searchParams.get('url') ?? '';
      const sc = scenarios.get(target);
      if (sc?.kind === 'too-many-daily-captures' && sc.snapshotTimestamp) {
        return json(res, 200, {
          url: target,
          archived_snapshots: {
            closest: {
              status: '200',
              available: true,
              url: `http://web.archive.org/web/${sc.snapshotTimestamp}/${target}`,
              timestamp: sc.snapshotTimestamp,
            },
          },
        });
      }
      return json(res, 200, { url: target, archived_snapshots: {} });
    }
    json(res, 404, { message: 'not found' });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    availabilityUrl: `${base}/wayback/available`,
    submissions,
    get statusRequests() {
      return statusRequests;
    },
    setScenario(targetUrl, scenario) {
      scenarios.set(targetUrl, scenario);
    },
    maxInWindow(windowMs) {
      const times = submissions.map((s) => s.at).sort((a, b) => a - b);
      let best = 0;
      for (let i = 0, j = 0; j < times.length; j++) {
        while (times[j]! - times[i]! >= windowMs) i++;
        best = Math.max(best, j - i + 1);
      }
      return best;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
