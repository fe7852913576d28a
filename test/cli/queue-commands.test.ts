import { afterEach, describe, expect, it } from 'vitest';
import { runVigie } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { writeConfig } from '../jobs/process-kit.ts';
import { REDIS_URL, testBullmqDriver } from '../jobs/redis-test-kit.ts';
import { PermanentJobError } from '../../src/jobs/types.ts';
import { waitFor } from '../jobs/driver-suite.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function configWith(queue: Record<string, unknown> = {}): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return writeConfig(t.dir, { dataDir: t.dir, log: { level: 'silent' }, queue });
}

describe('vigie worker / queues', () => {
  it('`vigie worker` refuses to start without Redis, saying what to set', async () => {
    const r = await runVigie(['worker'], { env: { VIGIE_CONFIG: configWith(), REDIS_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REDIS_URL');
    expect(r.stderr).toContain('vigie start');
  });

  it('`vigie worker --queues` rejects an unknown queue', async () => {
    const r = await runVigie(['worker', '--queues', 'poll,polls'], {
      env: { VIGIE_CONFIG: configWith(), REDIS_URL },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown: polls');
  });

  it('`vigie queues` shows counts per queue and the failed jobs with their error; retry-failed runs them again', async () => {
    const t = testBullmqDriver({ maxAttempts: 1 });
    cleanups.push(t.cleanup);
    let runs = 0;
    await t.driver.start({
      digest: async () => {
        runs++;
        if (runs === 1) throw new PermanentJobError('SMTP refused: 550 mailbox unavailable');
      },
    });
    await t.driver.enqueue('digest', { watchId: 'alice' }, { jobId: 'digest:alice@7' });
    await t.driver.idle();
    await t.driver.enqueue('poll', { watchId: 'alice' }); // waits: nobody consumes poll here
    const env = { VIGIE_CONFIG: configWith({ prefix: t.prefix }), REDIS_URL };

    const shown = await runVigie(['queues'], { env });
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toMatch(/^queue\s+waiting\s+active\s+delayed\s+prioritized\s+completed\s+failed$/);
    expect(lines.find((l) => l.startsWith('poll '))).toMatch(/^poll\s+1\s+0\s+0\s+0\s+0\s+0$/);
    expect(lines.find((l) => l.startsWith('digest '))).toMatch(/^digest\s+0\s+0\s+0\s+0\s+0\s+1$/);
    expect(shown.stdout).toMatch(/digest\s+digest:alice@7\s+1\s+\S+\s+SMTP refused: 550 mailbox unavailable/);

    const retried = await runVigie(['queues', 'retry-failed'], { env });
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('1 failed job(s) moved back to waiting');
    // (idle() would wait for the poll job forever: this process does not consume poll.)
    await waitFor(
      async () => runs === 2 && (await t.driver.failedJobs()).length === 0,
      'the retried job to succeed',
    );
    const after = await runVigie(['queues'], { env });
    expect(after.stdout.split('\n').find((l) => l.startsWith('digest '))).toMatch(
      /^digest\s+0\s+0\s+0\s+0\s+1\s+0$/,
    );
    expect(after.stdout).not.toContain('failed jobs');
  });

  it('`vigie queues` without Redis exits 2', async () => {
    const r = await runVigie(['queues'], { env: { VIGIE_CONFIG: configWith(), REDIS_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REDIS_URL');
  });
});
