// Runs the fake X API in its own process, for benchmarks and tests that start the CLI as a child:
//   node bin/run-ts.js test/fakes/x-api-server.ts --port 0 --token T --handle alice_m \
//     --mentions 100000 --search-query Q --search 5000 [--host 127.0.0.1] [--start-time ISO] \
//     [--latency-ms 150]
// Prints one JSON line {"url": "..."} once listening, then serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startFakeXApi } from './x-api.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string' },
    handle: { type: 'string' },
    mentions: { type: 'string', default: '0' },
    'search-query': { type: 'string' },
    search: { type: 'string', default: '0' },
    'start-time': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
  },
  strict: true,
});

function count(name: string, v: string | undefined): number {
  const n = Number(v ?? '0');
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a non-negative integer, got ${v}`);
  return n;
}

if (!values.token) {
  console.error('x-api-server: --token is required');
  process.exit(2);
}
const mentions = count('mentions', values.mentions);
const search = count('search', values.search);
if (mentions > 0 && !values.handle) {
  console.error('x-api-server: --mentions needs --handle');
  process.exit(2);
}
if (search > 0 && !values['search-query']) {
  console.error('x-api-server: --search needs --search-query');
  process.exit(2);
}

const fake = await startFakeXApi({
  token: values.token,
  host: values.host,
  port: count('port', values.port),
  startTime: values['start-time'] ? Date.parse(values['start-time']) : undefined,
  latencyMs: count('latency-ms', values['latency-ms']),
});
if (values.handle) fake.addUser(values.handle.replace(/^@/, ''));
if (mentions > 0 && values.handle) fake.generateMentions(values.handle.replace(/^@/, ''), mentions);
if (search > 0 && values['search-query']) fake.generateSearchResults(values['search-query'], search);

process.stdout.write(JSON.stringify({ url: fake.url }) + '\n');

const stop = (): void => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
