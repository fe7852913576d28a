// The Telegram Bot API's sendMessage (https://core.telegram.org/bots/api#sendmessage) with
// parse_mode HTML, parsed as Telegram does: only its supported tags, and every `<`, `>`, `&` that
// is not part of a tag or entity must be escaped (only &lt; &gt; &amp; &quot; and numeric
// entities) — otherwise 400 "can't parse entities". Answers {ok, result} or {ok: false,
// error_code, description[, parameters.retry_after]}. getMe (https://core.telegram.org/bots/api#getme)
// answers the bot as a User; a token the API does not know is 401 Unauthorized, one it cannot
// parse 404 Not Found.
import { startChatFake, type ChatFake } from './chat-fake.ts';

export interface TelegramMessage {
  messageId: number;
  chatId: string;
  /** The text as the chat shows it (tags applied, entities decoded). */
  text: string;
  /** What was sent, markup included. */
  raw: string;
  bold: string[];
}

export interface FakeTelegram extends ChatFake {
  messages: TelegramMessage[];
  /** The next request(s) get 429 with parameters.retry_after = seconds. */
  rateLimitNext(seconds: number, times?: number): void;
}

const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Telegram's HTML parse: returns the visible text and bold runs, or throws the API's error text. */
export function parseTelegramHtml(html: string): { text: string; bold: string[] } {
  let text = '';
  const bold: string[] = [];
  const open: { tag: string; at: number }[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0)
        throw new Error(`Bad Request: can't parse entities: Unclosed start tag at byte offset ${i}`);
      const inner = html.slice(i + 1, end);
      const closing = inner.startsWith('/');
      const name = (closing ? inner.slice(1) : inner).split(/\s/)[0]!.toLowerCase();
      if (!TAGS.has(name))
        throw new Error(
          `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`,
        );
      if (closing) {
        const top = open.pop();
        if (!top || top.tag !== name)
          throw new Error(
            `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${top?.tag ?? ''}>", found "</${name}>"`,
          );
        if (name === 'b' || name === 'strong') bold.push(text.slice(top.at));
      } else open.push({ tag: name, at: text.length });
      i = end + 1;
      continue;
    }
    if (c === '>')
      throw new Error(`Bad Request: can't parse entities: Unexpected end tag at byte offset ${i}`);
    if (c === '&') {
      const m = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      if (!m)
        throw new Error(`Bad Request: can't parse entities: Character '&' is reserved at byte offset ${i}`);
      const e = m[1]!;
      if (e.startsWith('#'))
        text += String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      else if (NAMED[e]) text += NAMED[e];
      else
        throw new Error(
          `Bad Request: can't parse entities: Unsupported HTML entity "&${e};" at byte offset ${i}`,
        );
      i += m[0].length;
      continue;
    }
    text += c;
    i++;
  }
  if (open.length)
    throw new Error(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)!.tag}"`,
    );
  return { text, bold };
}

// What @BotFather hands out: the bot's id, a colon, then the secret part.
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

export async function startFakeTelegram(
  botToken: string,
  chats: readonly string[],
  bot: { username: string; firstName: string } = { username: 'vigie_alerts_bot', firstName: 'Vigie' },
): Promise<FakeTelegram> {
  const messages: TelegramMessage[] = [];
  let seq = 100;
  const fail = (code: number, description: string, parameters?: object) => ({
    status: code,
    body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
  });
  const fake = await startChatFake((req) => {
    const me = /^\/bot([^/]+)\/getMe$/.exec(req.path);
    if (me) {
      if (!TOKEN_SHAPE.test(me[1]!)) return fail(404, 'Not Found');
      if (me[1] !== botToken) return fail(401, 'Unauthorized');
      return {
        status: 200,
        body: {
          ok: true,
          result: {
            id: Number(botToken.split(':')[0]),
            is_bot: true,
            first_name: bot.firstName,
            username: bot.username,
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          },
        },
      };
    }
    const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.path);
    if (!m) return fail(404, 'Not Found');
    if (m[1] !== botToken) return fail(401, 'Unauthorized');
    let p: { chat_id?: string | number; text?: string; parse_mode?: string };
    try {
      p = JSON.parse(req.body) as typeof p;
    } catch {
      return fail(400, 'Bad Request: invalid JSON');
    }
    const chatId = String(p.chat_id ?? '');
    if (!chats.includes(chatId)) return fail(400, 'Bad Request: chat not found');
    if (!p.text) return fail(400, 'Bad Request: message text is empty');
    let parsed: { text: string; bold: string[] };
    if (p.parse_mode === 'HTML') {
      try {
        parsed = parseTelegramHtml(p.text);
      } catch (err) {
        return fail(400, (err as Error).message);
      }
    } else parsed = { text: p.text, bold: [] };
    if (parsed.text.length > 4096) return fail(400, 'Bad Request: message is too long');
    const msg: TelegramMessage = {
      messageId: ++seq,
      chatId,
      text: parsed.text,
      raw: p.text,
      bold: parsed.bold,
    };
    messages.push(msg);
    return {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: msg.messageId,
          chat: { id: Number(chatId) },
          date: Math.floor(Date.now() / 1000),
          text: parsed.text,
        },
      },
    };
  });
  return Object.assign(fake, {
    messages,
    rateLimitNext(seconds: number, times = 1) {
      fake.next(
        { answer: fail(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds }) },
        times,
      );
    },
  });
}
