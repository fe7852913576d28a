// Makes a test network with a data host and a long-running process in another host, prints what it
// made as one JSON line, then dies of an uncaught error: the exit handler must remove everything.
//   node bin/run-ts.js test/helpers/netns-exit-check.ts [auto|loopback]
import { createNetwork, spawnIn, startDataServices } from './netns.ts';

const network = createNetwork(['db', 'worker'], {
  mode: process.argv[2] === 'loopback' ? 'loopback' : 'auto',
});
const services = await startDataServices(network, 'db');
const sleeper = spawnIn(network.host('worker'), 'sleep', ['600']);
process.stdout.write(
  JSON.stringify({
    mode: network.mode,
    bridge: network.bridge,
    namespaces: ['db', 'worker'].map((h) => network.host(h).namespace),
    pids: [sleeper.pid, services.postgresPid, services.redisPid].filter((p) => p !== null),
    dirs: [services.postgresDataDir].filter((d) => d !== null),
  }) + '\n',
);
throw new Error('a failure before teardown');
