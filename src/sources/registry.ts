import type { Config, WatchConfig } from '../config/schema.ts';
import type { SourceSpec } from '../db/repositories/sources-repo.ts';
import type { SourceAdapter } from './source.ts';
import { createXAdapters } from './x.ts';
import { createFeedAdapter } from './feed.ts';

export type AdapterRegistry = ReadonlyMap<string, SourceAdapter>;

/** Every adapter this configuration can use, by kind. */
export function createAdapterRegistry(config: Config): AdapterRegistry {
  const x = createXAdapters(config.sources.x);
  const adapters: SourceAdapter[] = [x.mentions, x.search, createFeedAdapter(config.sources.feeds)];
  return new Map(adapters.map((a) => [a.kind, a]));
}

/** The sources a watch's definition asks for: one row per watch × kind × target. */
export function sourceSpecsForWatch(watch: WatchConfig): SourceSpec[] {
  const specs: SourceSpec[] = [];
  if (watch.x?.handle) specs.push({ kind: 'x_mentions', target: watch.x.handle });
  if (watch.x?.search) specs.push({ kind: 'x_search', target: watch.x.search });
  for (const url of watch.feeds) specs.push({ kind: 'feed', target: url });
  return specs;
}
