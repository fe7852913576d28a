import { CHANNEL_KINDS } from '../alerts/channels/channel.ts';
import type { Channels } from '../alerts/channels/channels.ts';

/**
 * One set of channels handed to everything that delivers or tests (alerts, Account →
 * Notifications), whose members are replaced when the chat services' settings change in the
 * dashboard: holders read `channels[kind]` at each use, so the next message goes to the new server.
 */
export function swappableChannels(initial: Channels): Channels & { replace(next: Channels): void } {
  let current = initial;
  const live = {
    replace(next: Channels) {
      current = next;
    },
  } as Channels & { replace(next: Channels): void };
  for (const kind of CHANNEL_KINDS)
    Object.defineProperty(live, kind, { enumerable: true, get: () => current[kind] });
  return live;
}
