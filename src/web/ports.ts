// What the dashboard uses from the evidence and alerts modules, as narrow ports: route code and
// tests depend on these shapes, not on the modules' internals (src/app/web-ports.ts builds them).

export interface CustodyEvent {
  id: number;
  at: number;
  type: string;
  actor: string;
  data: string;
  hash: string;
}

export interface DossierRequest {
  watchId: string;
  from?: number;
  to?: number;
  minLevel?: string;
  lang?: string;
  actor?: string;
}

export interface EvidencePort {
  recordViewed(e: { watchId: string; postId: number; actor: string }): void;
  eventsForPost(postId: number): CustodyEvent[];
  flagForArchive?: (postId: number, actor: string) => unknown;
  writeDossier?: (request: DossierRequest, outFile: string) => Promise<unknown>;
}

export interface WaveView {
  startedAt: number;
  posts?: number;
  peakCount?: number;
  topCategories?: { category: string; count: number }[];
}

export interface AlertsPort {
  currentWave?: (watchId: string) => WaveView | null | undefined | Promise<WaveView | null | undefined>;
}

/** An account that looks like the watched person's (identity module's look-alike candidates). */
export interface LookalikeView {
  id: number;
  watchId: string;
  platform: string;
  accountId: string;
  handle: string | null;
  name: string | null;
  reason: string;
  similarity: number;
  foundBy: string;
  /** new | confirmed | dismissed */
  status: string;
  firstSeenAt: number;
  lastSeenAt: number;
  decidedAt: number | null;
}

export interface LookalikesPort {
  /** The watch's candidates, most similar first; dismissed ones are not listed. */
  list(watchId: string): LookalikeView[];
  get(id: number): LookalikeView | undefined;
  /** Custody-log evidence, and the proxies are told (once). */
  confirm(id: number, actor: string): Promise<unknown>;
  dismiss(id: number): unknown;
}
