import { configSchema, type Config } from './schema.ts';

// The settings the dashboard may change, laid over the configuration file. Precedence: a value
// set in the file or the environment wins and locks the field (the dashboard shows where it comes
// from); the dashboard's value fills what the file leaves unset. The file stays the operator's
// last word, and nothing set there is silently overridden by a click.
//
// Another setting becomes editable with one line here (its group names the page section).

export type SettingKind = 'string' | 'secret' | 'number' | 'boolean' | 'url';

export interface EditableSetting {
  /** Dotted configuration path. */
  path: string;
  kind: SettingKind;
  /** Page section; settings of one group are tested together. */
  group: string;
}

export const EDITABLE_SETTINGS: readonly EditableSetting[] = [
  { path: 'mail.from', kind: 'string', group: 'mail' },
  { path: 'mail.smtp.host', kind: 'string', group: 'mail' },
  { path: 'mail.smtp.port', kind: 'number', group: 'mail' },
  { path: 'mail.smtp.secure', kind: 'boolean', group: 'mail' },
  { path: 'mail.smtp.user', kind: 'string', group: 'mail' },
  { path: 'mail.smtp.pass', kind: 'secret', group: 'mail' },
  { path: 'sources.x.bearerToken', kind: 'secret', group: 'x' },
  { path: 'sources.bluesky.identifier', kind: 'string', group: 'bluesky' },
  { path: 'sources.bluesky.appPassword', kind: 'secret', group: 'bluesky' },
  { path: 'sources.mastodon.instance', kind: 'url', group: 'mastodon' },
  { path: 'sources.mastodon.accessToken', kind: 'secret', group: 'mastodon' },
  { path: 'sources.reddit.clientId', kind: 'string', group: 'reddit' },
  { path: 'sources.reddit.clientSecret', kind: 'secret', group: 'reddit' },
  // The chat and push services' servers the alerts go through (each person gives their own
  // topic, chat, room or number in Account → Notifications).
  { path: 'notifications.ntfy.serverUrl', kind: 'url', group: 'ntfy' },
  { path: 'notifications.ntfy.token', kind: 'secret', group: 'ntfy' },
  { path: 'notifications.telegram.apiUrl', kind: 'url', group: 'telegram' },
  { path: 'notifications.telegram.botToken', kind: 'secret', group: 'telegram' },
  { path: 'notifications.matrix.homeserverUrl', kind: 'url', group: 'matrix' },
  { path: 'notifications.matrix.accessToken', kind: 'secret', group: 'matrix' },
  { path: 'notifications.signal.apiUrl', kind: 'url', group: 'signal' },
  { path: 'notifications.signal.number', kind: 'string', group: 'signal' },
];

export function editableSetting(path: string): EditableSetting | undefined {
  return EDITABLE_SETTINGS.find((s) => s.path === path);
}

/** The groups, in page order. */
export function settingGroups(): string[] {
  return [...new Set(EDITABLE_SETTINGS.map((s) => s.group))];
}

export function getPath(obj: unknown, path: string): unknown {
  let node = obj;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The configuration with the stored values laid over it, where the file and environment left the
 * path unset (`locked` lists the paths they set). Throws when the result is not a valid
 * configuration (the caller checks a change before storing it).
 */
export function overlaySettings(
  base: Readonly<Config>,
  stored: ReadonlyMap<string, unknown>,
  locked: ReadonlySet<string>,
): Config {
  const raw = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, value] of stored) {
    if (!editableSetting(path) || locked.has(path)) continue;
    setPath(raw, path, value);
  }
  const smtp = getPath(raw, 'mail.smtp') as Record<string, unknown> | undefined;
  // An SMTP block without a host is no mail server: the outbox stays in use.
  if (smtp && !smtp.host) delete (raw.mail as Record<string, unknown>).smtp;
  // Only the sections holding editable paths are validated again (the rest is the base, already
  // parsed: watches are not run through their transforms twice).
  const config = { ...base } as Record<string, unknown>;
  const shape = configSchema.shape as Record<string, { parse(v: unknown): unknown }>;
  for (const top of new Set(EDITABLE_SETTINGS.map((s) => s.path.split('.')[0]!)))
    config[top] = shape[top]!.parse(raw[top]);
  return config as unknown as Config;
}

/** The editable paths the raw (file + environment) configuration sets: they are locked. */
export function lockedPaths(raw: unknown): Set<string> {
  return new Set(EDITABLE_SETTINGS.map((s) => s.path).filter((p) => getPath(raw, p) !== undefined));
}
