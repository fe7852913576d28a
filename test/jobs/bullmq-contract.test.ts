import { describeDriverContract } from './driver-suite.ts';
import { testBullmqDriver } from './redis-test-kit.ts';

describeDriverContract('bullmq', (o) => {
  const t = testBullmqDriver(o);
  return { driver: t.driver, cleanup: t.cleanup };
});
