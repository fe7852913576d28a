import type { Config } from '../../config/schema.ts';
import type { Mailer } from '../mailer.ts';
import type { Channel, ChannelKind } from './channel.ts';
import { emailChannel } from './email-channel.ts';
import type { HttpPolicy } from './http-send.ts';
import { matrixChannel } from './matrix-channel.ts';
import { ntfyChannel } from './ntfy-channel.ts';
import { chatServerPolicy } from './server-policy.ts';
import { signalChannel } from './signal-channel.ts';
import { telegramChannel } from './telegram-channel.ts';
import { webhookChannel } from './webhook-channel.ts';

export type Channels = Record<ChannelKind, Channel>;

/** Every channel, built from the typed configuration. */
export function createChannels(
  config: Readonly<Pick<Config, 'notifications' | 'network'>>,
  mailer: Mailer,
  options: { sleep?: (ms: number) => Promise<void> } = {},
): Channels {
  const n = config.notifications;
  const base = {
    timeoutMs: n.timeoutMs,
    maxTries: n.maxTries,
    retryDelayMs: n.retryDelayMs,
    maxRateLimitWaitMs: n.maxRateLimitWaitMs,
    sleep: options.sleep,
  };
  // URLs people type (webhooks) follow the network policy; the servers the administrator set
  // may be on the local network when allowed.
  const typed: HttpPolicy = { ...base, network: config.network };
  const servers: HttpPolicy = { ...base, network: chatServerPolicy(config) };
  return {
    email: emailChannel(mailer),
    webhook: webhookChannel(typed),
    ntfy: ntfyChannel(n.ntfy, servers),
    telegram: telegramChannel(n.telegram, servers),
    matrix: matrixChannel(n.matrix, servers),
    signal: signalChannel(n.signal, servers),
  };
}
