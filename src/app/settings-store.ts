import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import { escapeHtml } from '../escape-html.ts';
import type { Logger } from '../logger.ts';
import { EDITABLE_SETTINGS, editableSetting, getPath, overlaySettings } from '../config/editable-settings.ts';
import type { SettingsRepo, StoredSetting } from '../db/repositories/settings-repo.ts';
import { createSecretBox, type SecretBox } from '../identity/crypto.ts';
import { verifySmtp } from '../alerts/mailer.ts';
import type { Mailer } from '../alerts/mailer.ts';
import {
  CHECKABLE_SOURCES,
  checkSourceConnection,
  type CheckableSource,
} from '../sources/connection-check.ts';
import type { SettingProblem, SettingView, SettingsPort, TestOutcome } from '../web/ports.ts';
import type { NetworkPolicy } from '../net/address-policy.ts';
import type { ConnectionVerdict } from '../net/connection-verdict.ts';
import { chatServerPolicy } from '../alerts/channels/server-policy.ts';
import { checkChatServer, isChatServer } from '../alerts/channels/server-check.ts';
import { urlProblem } from '../net/url-check.ts';

export interface SettingsStoreDeps {
  base: Readonly<Config>;
  locked: ReadonlySet<string>;
  repo: SettingsRepo;
  /** The installation's key (asked only when a secret is sealed or opened). */
  key: () => string;
  log: Logger;
  /** The mailer everything sends through (swapped by the caller on change). */
  mailer: () => Mailer;
}

const associated = (path: string) => `setting:${path}`;

/**
 * The dashboard's settings laid over the file: the effective configuration, recomputed after
 * every change, and the listeners (mailer, source adapters) that rebuild what holds a copy.
 *
 * The stored rows are read by `load()` (awaited once at start, before anything asks for the
 * configuration) and kept in memory: `effective()` is read synchronously in hot spots (every
 * mail, every adapter rebuild), so it answers from that copy, which `save` refreshes.
 */
export function createSettingsStore(deps: SettingsStoreDeps) {
  let box: SecretBox | undefined;
  const sealer = () => (box ??= createSecretBox(deps.key()));
  const listeners: ((config: Readonly<Config>) => void)[] = [];
  let stored: readonly StoredSetting[] = [];
  let effective: Readonly<Config> = deps.base;
  // Saves take turns: each starts from the values the previous one stored.
  let saving: Promise<unknown> = Promise.resolve();

  function storedValues(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const row of stored) {
      if (!editableSetting(row.path)) continue;
      try {
        out.set(
          row.path,
          row.secret ? sealer().open(row.value, associated(row.path)) : JSON.parse(row.value),
        );
      } catch (err) {
        // A value the key cannot open is left out (the file's value, if any, applies), and said.
        deps.log.error({ path: row.path, err: (err as Error).message }, 'a stored setting could not be read');
      }
    }
    return out;
  }

  /** Reads the stored settings and recomputes the effective configuration. */
  async function load(): Promise<void> {
    stored = await deps.repo.list();
    effective = stored.length > 0 ? overlaySettings(deps.base, storedValues(), deps.locked) : deps.base;
  }

  /**
   * The network policy a server address typed here is held to, as the code that will connect to
   * it applies it: the chat services' servers may be on the local network when
   * `notifications.allowPrivateServers` says so; everything else follows `network`.
   */
  function policyFor(path: string): NetworkPolicy {
    if (path.startsWith('notifications.')) return chatServerPolicy(deps.base);
    return deps.base.network;
  }

  function parseValue(
    path: string,
    kind: string,
    raw: string,
  ): { value?: unknown; code?: SettingProblem['code'] } {
    const text = raw.trim();
    if (kind === 'number') {
      const n = Number(text);
      if (!/^\d+$/.test(text)) return { code: 'number' };
      if (n < 1 || n > 65535) return { code: 'port' };
      return { value: n };
    }
    if (kind === 'boolean') return { value: text === 'true' || text === 'on' || text === '1' };
    if (kind === 'url') {
      try {
        const u = new URL(text);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return { code: 'url' };
        // A password in the address would be stored and shown in clear: the token fields hold secrets.
        if (u.username !== '' || u.password !== '') return { code: 'url' };
      } catch {
        return { code: 'url' };
      }
      // An address this machine or the local network answers (a server's admin page, a cloud
      // metadata endpoint) is refused here already, not only when a request is made.
      if (urlProblem(text, policyFor(path))) return { code: 'blocked' };
    }
    return { value: kind === 'secret' ? raw : text };
  }

  async function saveNow(
    changes: readonly { path: string; value: string | null }[],
    actor: string,
  ): Promise<SettingProblem[]> {
    const problems: SettingProblem[] = [];
    const rows: { path: string; value: string | null; secret: boolean }[] = [];
    // From the rows as stored now (another process may have saved since the last load).
    stored = await deps.repo.list();
    const next = storedValues();
    for (const c of changes) {
      const s = editableSetting(c.path);
      if (!s) {
        problems.push({ path: c.path, code: 'unknown' });
        continue;
      }
      if (deps.locked.has(c.path)) {
        problems.push({ path: c.path, code: 'locked' });
        continue;
      }
      if (c.value === null || c.value.trim() === '') {
        rows.push({ path: c.path, value: null, secret: s.kind === 'secret' });
        next.delete(c.path);
        continue;
      }
      const parsed = parseValue(c.path, s.kind, c.value);
      if (parsed.code) {
        problems.push({ path: c.path, code: parsed.code });
        continue;
      }
      next.set(c.path, parsed.value);
      rows.push({
        path: c.path,
        secret: s.kind === 'secret',
        value:
          s.kind === 'secret'
            ? sealer().seal(String(parsed.value), associated(c.path))
            : JSON.stringify(parsed.value),
      });
    }
    if (problems.length) return problems;
    let candidate: Config;
    try {
      candidate = overlaySettings(deps.base, next, deps.locked);
    } catch {
      return changes.map((c) => ({ path: c.path, code: 'invalid' as const }));
    }
    await deps.repo.apply(rows, actor);
    stored = await deps.repo.list();
    effective = candidate;
    deps.log.info({ paths: rows.map((r) => r.path) }, 'settings changed from the dashboard');
    for (const l of listeners) l(effective);
    return [];
  }

  const port: SettingsPort & {
    load(): Promise<void>;
    effective(): Readonly<Config>;
    onChange(listener: (config: Readonly<Config>) => void): void;
  } = {
    load,
    effective: () => effective,
    onChange: (listener) => {
      listeners.push(listener);
    },
    view(): SettingView[] {
      return EDITABLE_SETTINGS.map((s) => {
        const current = getPath(effective, s.path);
        const set = current !== undefined && current !== '';
        const base = { path: s.path, group: s.group, kind: s.kind, locked: deps.locked.has(s.path), set };
        if (s.kind === 'secret') {
          const text = typeof current === 'string' ? current : '';
          return text.length >= 16 ? { ...base, tail: text.slice(-4) } : base;
        }
        return { ...base, ...(set ? { value: String(current) } : {}) };
      });
    },
    save(changes, actor) {
      const turn = saving.then(() => saveNow(changes, actor));
      saving = turn.catch(() => undefined);
      return turn;
    },
    async testConnection(group): Promise<TestOutcome> {
      if (group === 'mail') {
        const smtp = effective.mail.smtp;
        if (!smtp) return { ok: false, reason: 'missing' };
        try {
          await verifySmtp(smtp);
          return { ok: true };
        } catch (err) {
          return { ok: false, reason: smtpReason(err) };
        }
      }
      let verdict: ConnectionVerdict;
      if (isChatServer(group)) verdict = await checkChatServer(group, effective);
      else if ((CHECKABLE_SOURCES as readonly string[]).includes(group))
        verdict = await checkSourceConnection(group as CheckableSource, effective);
      else return { ok: false, reason: 'missing' };
      if (!verdict.ok) return { ok: false, reason: verdict.reason };
      return verdict.detail ? { ok: true, detail: verdict.detail } : { ok: true };
    },
    async sendMail(to, subject, text) {
      const mailer = deps.mailer();
      const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailer.from)?.[1] ?? 'vigie.local';
      try {
        const result = await mailer.send({
          to,
          subject,
          text,
          html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
          messageId: `<${randomUUID()}@${domain}>`,
        });
        return { ok: true, transport: result.transport };
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'a test or invitation message was not sent');
        return { ok: false, reason: smtpReason(err) };
      }
    },
  };
  return port;
}

/** An SMTP failure in the page's words: the server said no, or could not be reached. */
function smtpReason(err: unknown): TestOutcome['reason'] {
  const e = err as { code?: string; responseCode?: number; refused?: boolean };
  if (e.code === 'EAUTH' || e.refused || (typeof e.responseCode === 'number' && e.responseCode >= 400))
    return 'refused';
  return 'unreachable';
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
