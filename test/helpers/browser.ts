import { chromium, type Browser } from 'playwright-core';

// The browser tests drive Debian's chromium (installed by .ci/run) through playwright-core. Without
// the background-networking flags it tries to reach Google's hosts at every start, which this
// closed network refuses many times over.
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Debian chromium for one test file. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}
