#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's loader, so that a fresh
// `npm ci` is enough for `npx vigie` to work (no build step to forget).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
