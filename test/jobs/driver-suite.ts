// The job-driver contract, written once and run against every driver (embedded and BullMQ), so
// that the job handlers behave the same whichever driver runs them.
import { afterEach, describe, expect, it } from 'vitest';
import {
  PermanentJobError,
  RetryLaterError,
  type JobDriver,
  type JobPayload,
  type Schedule,
} from '../../src/jobs/types.ts';

export interface DriverUnderTest {
  driver: JobDriver;
  cleanup: () => Promise<void>;
}

export interface DriverFactoryOptions {
  maxAttempts: number;
  backoffMs: number;
  concurrency: number;
}

export type DriverFactory = (options: DriverFactoryOptions) => Promise<DriverUnderTest> | DriverUnderTest;

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { open, wait };
}

export function describeDriverContract(name: string, factory: DriverFactory): void {
  describe(`${name} driver: the job contract`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });
    async function make(over: Partial<DriverFactoryOptions> = {}): Promise<JobDriver> {
      const t = await factory({ maxAttempts: 3, backoffMs: 100, concurrency: 4, ...over });
      cleanups.push(t.cleanup);
      return t.driver;
    }

    it('runs an enqueued job once with its payload, and idle() resolves after it', async () => {
      const driver = await make();
      const seen: JobPayload[] = [];
      await driver.start({ score: async (p) => void seen.push(p) });
      await driver.enqueue('score', { watchId: 'alice', postIds: [1, 2, 3] });
      await driver.idle();
      expect(seen).toEqual([{ watchId: 'alice', postIds: [1, 2, 3] }]);
    });

    it('does not add a job whose id is queued or running, and runs it again once it is done', async () => {
      const driver = await make();
      const g = gate();
      let runs = 0;
      await driver.start({
        archive: async () => {
          runs++;
          if (runs === 1) await g.wait;
        },
      });
      await driver.enqueue('archive', { watchId: 'alice' }, { jobId: 'archive:alice@0' });
      await waitFor(() => runs === 1, 'the first run');
      // Running: a job with the same id (':' included) collapses into it.
      await driver.enqueue('archive', { watchId: 'alice' }, { jobId: 'archive:alice@0' });
      await driver.enqueue('archive', { watchId: 'alice' }, { jobId: 'archive:alice@0' });
      await driver.enqueue('archive', { watchId: 'bob' }, { jobId: 'archive:bob@0' });
      g.open();
      await driver.idle();
      expect(runs).toBe(2); // alice once, bob once
      // Done: the same id is free again (new hostile posts in the same minute are not lost).
      await driver.enqueue('archive', { watchId: 'alice' }, { jobId: 'archive:alice@0' });
      await driver.idle();
      expect(runs).toBe(3);
    });

    it('retries a failing job with exponential backoff, counting attempts from 1', async () => {
      const driver = await make({ maxAttempts: 3, backoffMs: 150 });
      const attempts: Array<{ attempt: number; at: number }> = [];
      await driver.start({
        poll: async (_p, ctx) => {
          attempts.push({ attempt: ctx.attempt, at: Date.now() });
          if (ctx.attempt < 3) throw new Error('upstream 503');
        },
      });
      await driver.enqueue('poll', { sourceId: 7 });
      await driver.idle();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(140);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(290); // doubled
    });

    it('gives up after maxAttempts', async () => {
      const driver = await make({ maxAttempts: 2, backoffMs: 20 });
      let runs = 0;
      await driver.start({
        poll: async () => {
          runs++;
          throw new Error('always broken');
        },
      });
      await driver.enqueue('poll', { sourceId: 7 });
      await driver.idle();
      expect(runs).toBe(2);
    });

    it('runs a RetryLaterError job again at its retry time without using up an attempt', async () => {
      // One attempt only: a rate limit counted as a failure would end the job.
      const driver = await make({ maxAttempts: 1 });
      const runs: Array<{ attempt: number; at: number }> = [];
      let retryAt = 0;
      await driver.start({
        poll: async (_p, ctx) => {
          runs.push({ attempt: ctx.attempt, at: Date.now() });
          if (runs.length === 1) {
            retryAt = Date.now() + 400;
            throw new RetryLaterError('429 from X', retryAt);
          }
        },
      });
      await driver.enqueue('poll', { sourceId: 1 });
      await driver.idle();
      expect(runs).toHaveLength(2);
      expect(runs[1]!.attempt).toBe(1);
      expect(runs[1]!.at).toBeGreaterThanOrEqual(retryAt - 5);
    });

    it('does not retry a PermanentJobError', async () => {
      const driver = await make({ maxAttempts: 4, backoffMs: 20 });
      let runs = 0;
      await driver.start({
        poll: async () => {
          runs++;
          throw new PermanentJobError('token revoked');
        },
      });
      await driver.enqueue('poll', { sourceId: 3 });
      await driver.idle();
      expect(runs).toBe(1);
    });

    it('idle() waits for delayed jobs and for the jobs that jobs enqueue', async () => {
      const driver = await make();
      const done: string[] = [];
      await driver.start({
        poll: async (p) => {
          await driver.enqueue('score', { watchId: p.watchId }, { delayMs: 200 });
          done.push(`poll:${p.watchId}`);
        },
        score: async (p) => void done.push(`score:${p.watchId}`),
      });
      await driver.enqueue('poll', { watchId: 'w1' });
      await driver.enqueue('poll', { watchId: 'w2' }, { delayMs: 100 });
      await driver.idle();
      expect(done.sort()).toEqual(['poll:w1', 'poll:w2', 'score:w1', 'score:w2']);
    });

    it('only consumes the kinds it was started with', async () => {
      const driver = await make();
      const done: string[] = [];
      await driver.start(
        { poll: async () => void done.push('poll'), score: async () => void done.push('score') },
        { kinds: ['score'] },
      );
      await driver.enqueue('score', { watchId: 'a' });
      await waitFor(() => done.length === 1, 'the score job');
      await driver.enqueue('poll', { watchId: 'a' });
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toEqual(['score']);
    });

    it('stop() lets a running job finish before it resolves', async () => {
      const driver = await make();
      let started = false;
      let finished = false;
      await driver.start({
        digest: async () => {
          started = true;
          await new Promise((r) => setTimeout(r, 400));
          finished = true;
        },
      });
      await driver.enqueue('digest', { watchId: 'alice' });
      await waitFor(() => started, 'the job to start');
      await driver.stop();
      expect(finished).toBe(true);
    });

    it('syncSchedules() is idempotent and stops the schedules no longer wanted', async () => {
      const driver = await make();
      const runs: Record<string, number[]> = { a: [], b: [] };
      await driver.start({ digest: async (p) => void runs[p.watchId!]!.push(Date.now()) });
      const every = (id: string): Schedule => ({
        id: `digest:${id}`,
        pattern: '* * * * * *',
        kind: 'digest',
        payload: { watchId: id },
      });
      await driver.syncSchedules([every('a'), every('b')]);
      await driver.syncSchedules([every('a'), every('b')]); // a second boot
      await waitFor(() => runs.a!.length >= 3 && runs.b!.length >= 1, 'three ticks', 10_000);
      // One tick a second, not two: consecutive runs are about a second apart.
      const gaps = runs.a!.slice(1).map((t, i) => t - runs.a![i]!);
      expect(Math.min(...gaps)).toBeGreaterThan(300);

      await driver.syncSchedules([every('a')]);
      const aAfter = runs.a!.length;
      await waitFor(() => runs.a!.length >= aAfter + 2, 'two more ticks of a', 10_000);
      const bSettled = runs.b!.length; // a tick already queued before the removal may still run
      await waitFor(() => runs.a!.length >= aAfter + 4, 'two more ticks of a', 10_000);
      expect(runs.b!.length).toBe(bSettled);
    });
  });
}
