import type { Config } from '../config/schema.ts';
import type { Store } from '../db/store.ts';
import type { Logger } from '../logger.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import { alertLinks } from '../alerts/alerts-context.ts';
import { alertsPort } from '../alerts/alerts-port.ts';
import { createDelivery } from '../alerts/delivery.ts';
import { createDigestRepo } from '../alerts/digest-repo.ts';
import { createMailer, type Mailer } from '../alerts/mailer.ts';
import { createMessagesRepo } from '../alerts/messages-repo.ts';
import { createChannels, type Channels } from '../alerts/channels/channels.ts';
import { createPersonChannelsRepo } from '../alerts/person-channels-repo.ts';
import { createRecipientsRepo } from '../alerts/recipients-repo.ts';
import { unsubscribeKey } from '../alerts/unsubscribe-token.ts';
import { encryptionKeyProvider } from './encryption-key.ts';
import { createWavesRepo } from '../alerts/waves-repo.ts';
import { createIdentityRepo } from '../identity/identity-repo.ts';

export interface AlertsDeps {
  /** The look-alike source (identity) still reads the database directly. */
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  watches: WatchesRepo;
  /** Defaults to the configured transport (SMTP, or the outbox). */
  mailer?: Mailer;
  /** The channels to deliver through (the service's follow the dashboard's settings); built here when absent. */
  channels?: Channels;
  /** Tests shorten the waits between tries of a channel. */
  sleep?: (ms: number) => Promise<void>;
  /** The installation's encryption key (channel secrets); the configured or dataDir one when absent. */
  key?: () => string;
}

/** The alerts module (immediate alerts, waves, digests) with its repositories, links and mailer. */
export function createAlerts(deps: AlertsDeps) {
  const { store, config } = deps;
  const log = deps.log.child({ part: 'alerts' });
  const ctx = {
    config,
    log,
    recipients: createRecipientsRepo(store),
    messages: createMessagesRepo(store),
    waves: createWavesRepo(store),
    digests: createDigestRepo(store),
    links: alertLinks(config, () => unsubscribeKey(store, config.alerts.unsubscribeSecret)),
    lookalikes: createIdentityRepo(store),
  };
  const mailer = deps.mailer ?? createMailer(config.mail, config.dataDir, log);
  const channels: Channels = deps.channels ?? createChannels(config, mailer, { sleep: deps.sleep });
  const personChannels = createPersonChannelsRepo(store, deps.key ?? encryptionKeyProvider(config, log));
  const delivery = createDelivery({ messages: ctx.messages, channels, personChannels, log });
  return alertsPort({ config, watches: deps.watches, ctx, mailer, channels, personChannels, delivery });
}
