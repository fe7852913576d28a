// The mail server fields, as the setup and settings pages post them, turned into setting changes.

export interface MailForm {
  smtpHost?: string;
  smtpPort?: string;
  smtpSecure?: string;
  smtpUser?: string;
  smtpPass?: string;
  mailFrom?: string;
}

/**
 * Changes for the settings store. A blank password keeps the stored one (it is never shown back,
 * so the field is always blank); `clearPass` forgets it. Nothing at all when no host is given.
 */
export function mailSettingsFromForm(
  form: MailForm,
  options: { clearPass?: boolean; allowClear?: boolean } = {},
): { path: string; value: string | null }[] {
  const host = form.smtpHost?.trim() ?? '';
  if (!host && !options.allowClear) return [];
  const v = (s: string | undefined) => (s?.trim() ? s.trim() : null);
  const out: { path: string; value: string | null }[] = [
    { path: 'mail.smtp.host', value: v(host) },
    { path: 'mail.smtp.port', value: v(form.smtpPort) },
    { path: 'mail.smtp.secure', value: form.smtpSecure ? 'true' : 'false' },
    { path: 'mail.smtp.user', value: v(form.smtpUser) },
    { path: 'mail.from', value: v(form.mailFrom) },
  ];
  if (options.clearPass) out.push({ path: 'mail.smtp.pass', value: null });
  else if (form.smtpPass) out.push({ path: 'mail.smtp.pass', value: form.smtpPass });
  return out;
}

/** Leaves out the fields the configuration file locks (they are shown read-only). */
export function unlockedChanges<T extends { path: string }>(
  view: readonly { path: string; locked: boolean }[],
  changes: readonly T[],
): T[] {
  const locked = new Set(view.filter((s) => s.locked).map((s) => s.path));
  return changes.filter((c) => !locked.has(c.path));
}

/** The fields of one source's or chat service's section: form field name → setting path. */
export const SOURCE_FIELDS: Record<string, Record<string, string>> = {
  x: { xBearerToken: 'sources.x.bearerToken' },
  bluesky: {
    blueskyIdentifier: 'sources.bluesky.identifier',
    blueskyAppPassword: 'sources.bluesky.appPassword',
  },
  mastodon: {
    mastodonInstance: 'sources.mastodon.instance',
    mastodonAccessToken: 'sources.mastodon.accessToken',
  },
  reddit: { redditClientId: 'sources.reddit.clientId', redditClientSecret: 'sources.reddit.clientSecret' },
  ntfy: { ntfyServerUrl: 'notifications.ntfy.serverUrl', ntfyToken: 'notifications.ntfy.token' },
  telegram: {
    telegramApiUrl: 'notifications.telegram.apiUrl',
    telegramBotToken: 'notifications.telegram.botToken',
  },
  matrix: {
    matrixHomeserverUrl: 'notifications.matrix.homeserverUrl',
    matrixAccessToken: 'notifications.matrix.accessToken',
  },
  signal: { signalApiUrl: 'notifications.signal.apiUrl', signalNumber: 'notifications.signal.number' },
};

/** The chat services' sections: the server is set here, each person's own address in Account → Notifications. */
export const CHAT_GROUPS: readonly string[] = ['ntfy', 'telegram', 'matrix', 'signal'];
