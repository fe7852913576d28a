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

export interface TriageDecision {
  watchId: string;
  postId: number;
  actor: string;
  /** `reviewed` carries { status }: reviewed | ignored; `reported` carries { channel, reportedAt, reference }. */
  type: 'reviewed' | 'reported';
  data: Record<string, unknown>;
}

export interface EvidencePort {
  recordViewed(e: { watchId: string; postId: number; actor: string }): Promise<void>;
  eventsForPost(postId: number): Promise<CustodyEvent[]>;
  flagForArchive?: (postId: number, actor: string) => Promise<unknown>;
  /** A proxy's review decision or filed report, written to the custody log. */
  recordDecision?: (e: TriageDecision) => Promise<void>;
  writeDossier?: (request: DossierRequest, outFile: string) => Promise<unknown>;
  /** Absent when local captures are off. */
  captureStatus?: () => Promise<CaptureStatusView>;
}

export interface WaveView {
  startedAt: number;
  posts?: number;
  peakCount?: number;
  topCategories?: { category: string; count: number }[];
}

export interface AlertsPort {
  currentWave?: (watchId: string) => WaveView | null | undefined | Promise<WaveView | null | undefined>;
  /** Each person's own notification settings and channels (Account → Notifications). */
  notifications?: NotificationsPort;
}

export interface NotificationSettingsView {
  /** hourly | daily | weekly | off; null follows the configuration. */
  digest: string | null;
  quietHours: { from: string; to: string } | null;
  timeZone: string | null;
}

export interface ChannelView {
  id: number;
  kind: string;
  /** Never a secret: the webhook's origin, the topic, the chat or room id, the number. */
  label: string;
}

export interface ChannelTestResult {
  kind: string;
  label: string;
  ok: boolean;
  error?: string;
}

export interface NotificationsPort {
  /** The kinds a person may add, and whether the server side of each is configured. */
  kinds(): { kind: string; configured: boolean }[];
  settings(userId: number): Promise<NotificationSettingsView | undefined>;
  /** Values are checked by the route first. */
  saveSettings(userId: number, settings: NotificationSettingsView): Promise<void>;
  channels(userId: number): Promise<ChannelView[]>;
  /** Returns the field at fault when the target is not valid. */
  addChannel(
    userId: number,
    kind: string,
    fields: Record<string, string>,
  ): Promise<{ ok: true } | { field: string }>;
  removeChannel(userId: number, id: number): Promise<boolean>;
  sendTest(email: string, kind?: string): Promise<ChannelTestResult[] | undefined>;
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
  list(watchId: string): Promise<LookalikeView[]>;
  get(id: number): Promise<LookalikeView | undefined>;
  /** Custody-log evidence, and the proxies are told (once). */
  confirm(id: number, actor: string): Promise<unknown>;
  dismiss(id: number): Promise<unknown>;
}

/** One dashboard-editable setting as the settings page shows it: a secret is never given back. */
export interface SettingView {
  path: string;
  group: string;
  kind: 'string' | 'secret' | 'number' | 'boolean' | 'url';
  /** Set in the configuration file or the environment: shown, not editable here. */
  locked: boolean;
  set: boolean;
  /** The current value of a setting that is not a secret. */
  value?: string;
  /** A secret's last four characters, when it is long enough for them to give nothing away. */
  tail?: string;
}

/** Why a value was refused; the page words it in the reader's language. */
export interface SettingProblem {
  path: string;
  code: 'number' | 'port' | 'url' | 'blocked' | 'invalid' | 'locked' | 'unknown';
}

/** Outcome of "test connection" / "send a test message"; `reason` is worded by the page. */
export interface TestOutcome {
  ok: boolean;
  reason?: 'missing' | 'refused' | 'blocked' | 'unreachable' | 'unexpected' | 'unregistered';
  /** Who the tested service says the credentials belong to (an account name), when it says. */
  detail?: string;
  /** Where a test message went: the mail server, or the outbox folder when none is set. */
  transport?: 'smtp' | 'outbox';
}

/** The dashboard's view of the settings store (src/app/settings-store.ts). */
export interface SettingsPort {
  view(): SettingView[];
  /** `value` null clears the stored value; nothing is stored when a problem is found. */
  save(changes: readonly { path: string; value: string | null }[], actor: string): Promise<SettingProblem[]>;
  testConnection(group: string): Promise<TestOutcome>;
  /** A plain message through the current mail transport (test messages, invitations). */
  sendMail(to: string, subject: string, text: string): Promise<TestOutcome>;
}
