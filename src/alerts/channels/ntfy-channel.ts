import { required, stringFields, TargetError, type Channel } from './channel.ts';
import { cutBytes, headerWord, plainParts } from './chat-text.ts';
import { sendHttp, type HttpPolicy } from './http-send.ts';

export interface NtfySettings {
  serverUrl: string;
  token?: string | undefined;
}

// ntfy turns a body above 4096 bytes into an attachment: stay below it.
const MAX_BODY_BYTES = 4000;
const URGENT = new Set(['alert', 'alerts_grouped', 'wave_start']);

/** ntfy (https://docs.ntfy.sh/publish/): POST the text to <server>/<topic>, title and priority in headers. */
export function ntfyChannel(settings: NtfySettings, policy: HttpPolicy): Channel {
  return {
    kind: 'ntfy',
    idempotent: false,
    configured: () => true,
    parseTarget(raw) {
      const t = stringFields(raw, ['topic']);
      const topic = required(t, 'topic', 'the ntfy topic is needed');
      if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic))
        throw new TargetError('a topic is 1 to 64 letters, digits, - or _', 'topic');
      return { topic };
    },
    describe: (t) => t.topic ?? '',
    async send(target, message, hooks) {
      const { title, text } = plainParts(message.title, message.text);
      const urgent = URGENT.has(message.kind);
      const headers: Record<string, string> = {
        'content-type': 'text/plain; charset=utf-8',
        title: headerWord(title),
        priority: urgent ? '4' : '3',
        tags: urgent ? 'warning' : 'newspaper',
        // Markdown stays off: attacker text with `*` or `[` is shown as typed.
        markdown: 'no',
      };
      if (settings.token) headers.authorization = `Bearer ${settings.token}`;
      await sendHttp(
        {
          url: `${settings.serverUrl.replace(/\/+$/, '')}/${encodeURIComponent(target.topic!)}`,
          method: 'POST',
          headers,
          body: cutBytes(text, MAX_BODY_BYTES),
          idempotent: false,
          secrets: settings.token ? [settings.token] : [],
          describeError: (body) => {
            try {
              return String((JSON.parse(body) as { error?: string }).error ?? '').slice(0, 120) || undefined;
            } catch {
              return undefined;
            }
          },
        },
        policy,
        hooks,
      );
      return { transport: 'ntfy' };
    },
  };
}
