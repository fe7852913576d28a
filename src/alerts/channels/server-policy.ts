import type { Config } from '../../config/schema.ts';
import type { NetworkPolicy } from '../../net/address-policy.ts';

/**
 * The network policy of the chat services' servers (ntfy, Telegram API, Matrix homeserver,
 * signal-cli REST API): the administrator sets them, and a self-hosted relay is usually on the
 * local network, so `notifications.allowPrivateServers` may open private addresses to them alone.
 */
export function chatServerPolicy(config: Readonly<Pick<Config, 'network' | 'notifications'>>): NetworkPolicy {
  return {
    allowPrivateAddresses: config.network.allowPrivateAddresses || config.notifications.allowPrivateServers,
  };
}
