import { required, stringFields, TargetError, type Channel } from './channel.ts';
import { chatHtml, cut, plainParts } from './chat-text.ts';
import { sendHttp, type HttpPolicy } from './http-send.ts';

export interface TelegramSettings {
  apiUrl: string;
  botToken?: string | undefined;
}

// sendMessage takes 4096 characters after entities are parsed; the title and markup fit in the rest.
const MAX_TEXT = 3600;

interface TelegramAnswer {
  ok?: boolean;
  description?: string;
  parameters?: { retry_after?: number };
}

function parse(body: string): TelegramAnswer {
  try {
    return JSON.parse(body) as TelegramAnswer;
  } catch {
    return {};
  }
}

/** Telegram Bot API sendMessage, parse_mode HTML, every piece of text escaped for it. */
export function telegramChannel(settings: TelegramSettings, policy: HttpPolicy): Channel {
  return {
    kind: 'telegram',
    idempotent: false,
    configured: () => !!settings.botToken,
    parseTarget(raw) {
      const t = stringFields(raw, ['chatId']);
      const chatId = required(t, 'chatId', 'the Telegram chat id is needed');
      if (!/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/.test(chatId))
        throw new TargetError('a chat id is a number (e.g. 123456789) or @channelname', 'chatId');
      return { chatId };
    },
    describe: (t) => t.chatId ?? '',
    async send(target, message, hooks) {
      const token = settings.botToken;
      if (!token) throw new Error('notifications.telegram.botToken is not set');
      const { title, text } = plainParts(message.title, message.text);
      await sendHttp(
        {
          url: `${settings.apiUrl.replace(/\/+$/, '')}/bot${token}/sendMessage`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            chat_id: target.chatId,
            text: chatHtml(title, cut(text, MAX_TEXT), '\n'),
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          }),
          idempotent: false,
          secrets: [token],
          retryAfterMs: (_res, body) => {
            const s = parse(body).parameters?.retry_after;
            return typeof s === 'number' ? s * 1000 : undefined;
          },
          describeError: (body) => parse(body).description?.slice(0, 160),
        },
        policy,
        hooks,
      );
      return { transport: 'telegram' };
    },
  };
}
