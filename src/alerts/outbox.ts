import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

// The outbox: one `.eml` file per message, named after its Message-ID. A file is written under
// a temporary name and renamed into place, so a reader never sees half a message and a crash
// leaves either nothing or the whole message.

export function outboxFileName(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}

export function outboxFileExists(dir: string, messageId: string): boolean {
  return existsSync(path.join(dir, outboxFileName(messageId)));
}

/** `beforeCommit` runs (and is waited for) after the bytes are written and before the rename. */
export async function writeOutboxFile(
  dir: string,
  messageId: string,
  bytes: Buffer,
  beforeCommit?: () => void | Promise<void>,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const final = path.join(dir, outboxFileName(messageId));
  const tmp = path.join(dir, `.${outboxFileName(messageId)}.${process.pid}.tmp`);
  writeFileSync(tmp, bytes, { mode: 0o600 });
  await beforeCommit?.();
  renameSync(tmp, final);
  return final;
}

export interface OutboxEntry {
  file: string;
  date: string;
  to: string;
  subject: string;
  messageId: string;
  size: number;
}

/** The messages in the outbox, oldest first, with their main headers decoded. */
export function listOutbox(dir: string): OutboxEntry[] {
  if (!existsSync(dir)) return [];
  const entries: OutboxEntry[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.eml') || name.startsWith('.')) continue;
    const file = path.join(dir, name);
    const headers = parseHeaders(readFileSync(file, 'utf8'));
    entries.push({
      file: name,
      date: headers.get('date') ?? '',
      to: headers.get('to') ?? '',
      subject: decodeWords(headers.get('subject') ?? ''),
      messageId: headers.get('message-id') ?? '',
      size: statSync(file).size,
    });
  }
  const time = (e: OutboxEntry) => Date.parse(e.date) || 0;
  return entries.sort((a, b) => time(a) - time(b) || a.file.localeCompare(b.file));
}

function parseHeaders(eml: string): Map<string, string> {
  const end = eml.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? eml.slice(0, end) : eml).replace(/\r?\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) {
      const key = line.slice(0, i).toLowerCase();
      if (!map.has(key)) map.set(key, line.slice(i + 1).trim());
    }
  }
  return map;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) as nodemailer writes them. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, charset: string, enc: string, data: string) => {
      const label = charset.toLowerCase() === 'utf-8' ? 'utf-8' : 'latin1';
      if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString(label);
      const bytes = data
        .replace(/_/g, ' ')
        .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString(label);
    });
}
