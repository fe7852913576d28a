import { required, stringFields, TargetError, type Channel } from './channel.ts';
import { plainParts } from './chat-text.ts';
import { sendHttp, type HttpPolicy } from './http-send.ts';

export interface SignalSettings {
  apiUrl?: string | undefined;
  number?: string | undefined;
}

const PHONE = /^\+[1-9][0-9]{6,14}$/;

/** Signal through a signal-cli REST API: POST /v2/send {message, number, recipients} (plain text). */
export function signalChannel(settings: SignalSettings, policy: HttpPolicy): Channel {
  return {
    kind: 'signal',
    idempotent: false,
    configured: () => !!(settings.apiUrl && settings.number),
    parseTarget(raw) {
      const t = stringFields(raw, ['number']);
      const number = required(t, 'number', 'the Signal phone number is needed').replace(/[\s.-]/g, '');
      if (!PHONE.test(number))
        throw new TargetError('a number in international form, e.g. +33612345678', 'number');
      return { number };
    },
    describe: (t) => t.number ?? '',
    async send(target, message, hooks) {
      const { apiUrl, number } = settings;
      if (!apiUrl || !number) throw new Error('notifications.signal.apiUrl and number are not set');
      const { title, text } = plainParts(message.title, message.text);
      await sendHttp(
        {
          url: `${apiUrl.replace(/\/+$/, '')}/v2/send`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: `${title}\n\n${text}`, number, recipients: [target.number] }),
          idempotent: false,
          describeError: (body) => {
            try {
              return String((JSON.parse(body) as { error?: string }).error ?? '').slice(0, 160) || undefined;
            } catch {
              return undefined;
            }
          },
        },
        policy,
        hooks,
      );
      return { transport: 'signal' };
    },
  };
}
