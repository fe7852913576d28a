import { cleanText } from '../templates.ts';

// Text for chat and push services. Attacker text reaches these messages (masked excerpts, author
// names), so every piece is cleaned of control and direction characters, and escaped for the
// markup the service parses: Telegram's and Matrix's HTML. Markdown is never switched on, so
// `*`, `_`, `[` and backticks arrive as typed.

/** Escapes text for Telegram's HTML parse mode (its four named entities) and Matrix's formatted_body. */
export function escapeChatHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Cuts to at most `max` characters (code points), marking the cut. */
export function cut(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
export function cutBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}…`;
}

/** Title and body as plain text, cleaned. */
export function plainParts(title: string, text: string): { title: string; text: string } {
  return { title: cleanText(title).replace(/\n/g, ' ').trim(), text: cleanText(text).trim() };
}

/** A header value the Fetch standard accepts: RFC 2047 encoded-word when not plain ASCII. */
export function headerWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/** Title in bold, then the text, as chat HTML with line breaks kept (Telegram keeps `\n`). */
export function chatHtml(title: string, text: string, lineBreak: '\n' | '<br>'): string {
  const body = escapeChatHtml(text);
  return `<b>${escapeChatHtml(title)}</b>${lineBreak}${lineBreak}${lineBreak === '\n' ? body : body.replace(/\n/g, '<br>')}`;
}
