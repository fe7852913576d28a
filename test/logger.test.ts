import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, prettyLine } from '../src/logger.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => out.split('\n').filter(Boolean) };
}

describe('log lines', () => {
  it('a pretty line: time, level, message, then the fields', () => {
    const time = new Date(2026, 0, 2, 9, 5, 7).getTime();
    const line = prettyLine(
      JSON.stringify({
        level: 30,
        time,
        app: 'vigie',
        pid: 1,
        msg: 'Vigie listening',
        host: '127.0.0.1',
        port: 3000,
      }),
      false,
    );
    expect(line).toBe('09:05:07 INFO  Vigie listening host=127.0.0.1 port=3000');
  });

  it('escapes control and bidi characters of logged values: a value cannot rewrite the terminal line', () => {
    const line = prettyLine(
      JSON.stringify({ level: 40, time: 0, msg: 'poll failed', author: 'evil\u001b[2J\u202eman\nfake line' }),
      true,
    );
    expect(line).not.toContain('\u001b[2J');
    expect(line).not.toContain('\u202e');
    expect(line).not.toContain('\n');
    expect(line).toContain('\\u001b[2J');
  });

  it('redacts secrets before formatting: neither the JSON nor the pretty line shows them', () => {
    const out = capture();
    const log = createLogger('info', out.stream);
    log.info({ smtp: { pass: 'hunter2' }, bearerToken: 'AAAA-secret' }, 'configured');
    const json = out.lines().join('\n');
    const pretty = out
      .lines()
      .map((l) => prettyLine(l, false))
      .join('\n');
    for (const text of [json, pretty]) {
      expect(text).toContain('[redacted]');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('AAAA-secret');
    }
  });
});
