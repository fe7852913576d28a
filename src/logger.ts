import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import { writeSync } from 'node:fs';

export type { Logger };

// Paths that may hold secrets or attacker-written text: never printed, whatever the level.
const REDACT = [
  'bearerToken',
  '*.bearerToken',
  'password',
  '*.password',
  'pass',
  '*.pass',
  'secretKey',
  '*.secretKey',
  'accessKey',
  '*.accessKey',
  'encryptionKey',
  '*.encryptionKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * `json`: one JSON object a line (for journald, log collectors, pipes); `pretty`: one short line
 * for a person at a terminal; `auto`: pretty when the output is a terminal, JSON otherwise.
 */
export type LogFormat = 'auto' | 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

/**
 * The logger of a process. `fd`: 1 (stdout, the service) or 2 (stderr, commands whose stdout is
 * their output). Redaction happens before formatting, so neither format can print a secret.
 */
export function createLogger(
  level: string = 'info',
  destination?: pino.DestinationStream | 1 | 2,
  format: LogFormat = 'auto',
): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'vigie' } };
  if (typeof destination !== 'number') return pino(options, destination);
  const fd = destination;
  const pretty = format === 'pretty' || (format === 'auto' && isTerminal(fd));
  return pino(options, pretty ? prettyStream(fd) : pino.destination(fd));
}

function isTerminal(fd: 1 | 2): boolean {
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

/** A logger that prints nothing (CLI commands that write their own output, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[41m' };
// Fields every line has, or that the pretty line shows in its own place.
const HIDDEN = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname', 'v']);

/**
 * Control characters, bidi overrides and line separators of logged values (an author's name, a
 * URL from a post) shown as \u escapes: a value cannot recolour, move or rewrite a terminal line.
 */
function terminalSafe(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** One pino JSON line as `12:03:04 INFO  message key=value …` (colours unless NO_COLOR). */
export function prettyLine(json: string, colour: boolean): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return terminalSafe(json);
  }
  const level = typeof rec.level === 'number' ? rec.level : 30;
  const time = typeof rec.time === 'number' ? new Date(rec.time) : new Date();
  const hh = (n: number) => String(n).padStart(2, '0');
  const clock = `${hh(time.getHours())}:${hh(time.getMinutes())}:${hh(time.getSeconds())}`;
  const name = LEVEL_NAMES[level] ?? String(level);
  const tint = colour ? (LEVEL_COLOURS[level] ?? '') : '';
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(rec)) {
    if (HIDDEN.has(key)) continue;
    if (key === 'err' && value && typeof value === 'object') {
      const e = value as { message?: unknown; stack?: unknown };
      fields.push(`err=${JSON.stringify(String(e.message ?? ''))}`);
      if (level >= 50 && typeof e.stack === 'string')
        stack = e.stack
          .split('\n')
          .slice(1)
          .map((l) => `\n    ${terminalSafe(l.trim())}`)
          .join('');
      continue;
    }
    fields.push(
      `${key}=${typeof value === 'string' && /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value)}`,
    );
  }
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const dim = colour ? '\x1b[2m' : '';
  const reset = colour ? '\x1b[0m' : '';
  const rest = fields.length > 0 ? ` ${dim}${terminalSafe(fields.join(' '))}${reset}` : '';
  return `${dim}${clock}${reset} ${tint}${name}${tint ? reset : ''} ${terminalSafe(msg)}${rest}${stack}`;
}

/** A synchronous destination writing pretty lines to `fd` (a log line is never lost on exit). */
function prettyStream(fd: 1 | 2): pino.DestinationStream {
  const colour = !process.env.NO_COLOR && isTerminal(fd);
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') writeSync(fd, `${prettyLine(line, colour)}\n`);
      done();
    },
  });
}
