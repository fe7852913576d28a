// The notification channels a person can have. Imports nothing: `vigie --help` lists them
// without loading the alerts module.

export const CHANNEL_KINDS = ['email', 'webhook', 'ntfy', 'telegram', 'matrix', 'signal'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
/** The kinds a person adds in the dashboard (e-mail is their account's address). */
export const EXTRA_CHANNEL_KINDS = CHANNEL_KINDS.filter((k) => k !== 'email');

export function isChannelKind(s: string): s is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(s);
}
