import { createInlineDriver } from '../../src/jobs/inline-driver.ts';
import { silentLogger } from '../../src/logger.ts';
import { describeDriverContract } from './driver-suite.ts';

describeDriverContract('inline', (o) => {
  const driver = createInlineDriver({ log: silentLogger(), ...o });
  return { driver, cleanup: () => driver.stop() };
});
