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

/** The local capture service's state, for the dashboard's panel. */
export interface CaptureStatusView {
  state: 'ok' | 'missing' | 'failing' | 'paused' | 'unknown';
  message: string | null;
  browserPath: string | null;
  browserVersion: string | null;
  pausedUntil: number | null;
  lastSuccessAt: number | null;
}

export interface EvidencePort {
  recordViewed(e: { watchId: string; postId: number; actor: string }): void;
  eventsForPost(postId: number): CustodyEvent[];
  flagForArchive?: (postId: number, actor: string) => unknown;
  writeDossier?: (request: DossierRequest, outFile: string) => Promise<unknown>;
  /** Absent when local captures are off. */
  captureStatus?: () => CaptureStatusView;
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
