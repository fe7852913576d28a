import type { WatchConfig } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import type { PollContext, PollPage, SourceAdapter } from '../../src/sources/source.ts';

export const watch: WatchConfig = {
  id: 'alice',
  names: ['Alice Martin'],
  feeds: [],
  schedule: '*/5 * * * *',
  ownAccounts: [],
  words: { flag: [], never: [] },
  archiveMinLevel: 'medium',
} as unknown as WatchConfig;

export const knobs = { timeoutMs: 15_000, maxRetries: 2, maxRateLimitWaitMs: 3_000, maxPages: 20 };

export function ctxFor(
  kind: string,
  target: string,
  cursor: string | null = null,
  signal = new AbortController().signal,
): PollContext {
  return { source: { id: 1, kind, target, cursor, state: null }, watch, signal, log: silentLogger() };
}

/** Every page of a poll; the error (if any) after the pages that came before it. */
export async function collect(
  adapter: SourceAdapter,
  ctx: PollContext,
): Promise<{ pages: PollPage[]; error?: unknown }> {
  const pages: PollPage[] = [];
  try {
    for await (const p of adapter.poll(ctx)) pages.push(p);
    return { pages };
  } catch (error) {
    return { pages, error };
  }
}

export const allPosts = (pages: PollPage[]) => pages.flatMap((p) => p.posts);
export const finalPage = (pages: PollPage[]) => pages.find((p) => p.final);
