import type { Config } from '../config/schema.ts';
import type { Store } from '../db/store.ts';
import { encryptionKeyProvider } from './encryption-key.ts';
import type { Logger } from '../logger.ts';
import { EXTRA_CHANNEL_KINDS, isChannelKind, TargetError } from '../alerts/channels/channel.ts';
import { createChannels, type Channels } from '../alerts/channels/channels.ts';
import { createMailer, type Mailer } from '../alerts/mailer.ts';
import { createPersonChannelsRepo } from '../alerts/person-channels-repo.ts';
import { createPersonSettingsRepo } from '../alerts/person-settings-repo.ts';
import type { DigestSetting } from '../alerts/recipients-repo.ts';
import { sendTestMessages } from '../alerts/test-message.ts';
import type { NotificationsPort } from '../web/ports.ts';

/** Account → Notifications: a person's settings and channels, and "send a test", for the dashboard. */
export function createNotificationsPort(deps: {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  /** The service's mailer, which follows the dashboard's mail settings; the configured one when absent. */
  mailer?: Mailer;
  /** The service's channels, which follow the dashboard's chat settings; built from `config` when absent. */
  channels?: Channels;
  /** The installation's encryption key (channel secrets); the configured or dataDir one when absent. */
  encryptionKey?: () => string;
}): NotificationsPort {
  const settings = createPersonSettingsRepo(deps.store);
  const personChannels = createPersonChannelsRepo(
    deps.store,
    deps.encryptionKey ?? encryptionKeyProvider(deps.config, deps.log),
  );
  const mailer = deps.mailer ?? createMailer(deps.config.mail, deps.config.dataDir, deps.log);
  const channels = deps.channels ?? createChannels(deps.config, mailer);
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(deps.config.mail.from)?.[1];
  return {
    kinds: () => EXTRA_CHANNEL_KINDS.map((kind) => ({ kind, configured: channels[kind].configured() })),
    settings: (userId) => settings.get(userId),
    saveSettings: (userId, s) => settings.save(userId, { ...s, digest: s.digest as DigestSetting | null }),
    channels: async (userId) =>
      (await personChannels.listFor(userId))
        .filter((c) => c.enabled)
        .map((c) => ({ id: c.id, kind: c.kind, label: channels[c.kind].describe(c.target) })),
    async addChannel(userId, kind, fields) {
      if (!isChannelKind(kind) || kind === 'email') return { field: 'kind' };
      try {
        await personChannels.add(userId, kind, channels[kind].parseTarget(fields));
        return { ok: true };
      } catch (err) {
        if (err instanceof TargetError) return { field: err.field ?? 'kind' };
        throw err;
      }
    },
    removeChannel: (userId, id) => personChannels.disable(userId, id),
    async sendTest(email, kind) {
      const person = await personChannels.personByEmail(email);
      if (!person) return undefined;
      return sendTestMessages(
        channels,
        {
          email: person.email,
          lang: person.lang === 'fr' ? 'fr' : 'en',
          channels: await personChannels.listFor(person.id),
        },
        kind && isChannelKind(kind) ? kind : undefined,
        domain,
      );
    },
  };
}
