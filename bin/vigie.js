#!/usr/bin/env node
// The `vigie` command. Runs the compiled tree (dist/cli.js) when it is current, otherwise the
// TypeScript sources through tsx's loader: see pick-build.js for the rule. A fresh `npm ci`
// builds dist/ (`prepare`); without it (no TypeScript installed, a failed build) everything still
// works, only slower to start.
import { pathToFileURL } from 'node:url';
import { pickBuild } from './pick-build.js';

const build = pickBuild();
if (build.tree === 'src') {
  // Only a person at a terminal is told; scripts and tests see the same output either way.
  if (process.stderr.isTTY && process.env.VIGIE_FROM_SOURCES !== '1')
    process.stderr.write(`vigie: running the sources through tsx (${build.reason})\n`);
  const { register } = await import('tsx/esm/api');
  register();
}
await import(pathToFileURL(build.entry).href);
