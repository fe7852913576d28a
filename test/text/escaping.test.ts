import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/escape-html.ts';
import { csvCell, csvRow } from '../../src/evidence/csv.ts';
import { wellFormed } from '../../src/text/well-formed.ts';
import { jsonLine } from '../../src/text/json-line.ts';
import { login, makeFixture, type Fixture } from '../web/helpers.ts';

// Attacker-written text, any Unicode string of any length, through every escaping Vigie does.

const unit = fc.oneof(
  fc.constantFrom(
    '<',
    '>',
    '&',
    '"',
    "'",
    '=',
    '+',
    '-',
    '@',
    '\t',
    '\r',
    '\n',
    ',',
    '\u009b',
    '\u202e',
    '\u2028',
    '\u001b',
    '\ud800',
    '\udc00',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const anyText = fc.string({ unit, maxLength: 120 });

const decodeHtml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  );

/** RFC 4180 reading of one CSV record (every cell quoted, as csvRow writes them). */
function readCsvRow(line: string): string[] {
  expect(line.endsWith('\r\n')).toBe(true);
  const cells: string[] = [];
  const re = /"((?:[^"]|"")*)"(,|\r\n$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    cells.push(m[1]!.replace(/""/g, '"'));
    if (m[2] === '\r\n') break;
  }
  return cells;
}

describe('escaping, for any string', () => {
  it('escapeHtml leaves no markup character and decodes back to the input', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(decodeHtml(out)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('csvCell never starts a value with a formula character and reads back to the input', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 6 }), (values) => {
        const read = readCsvRow(csvRow(values));
        expect(read).toHaveLength(values.length);
        read.forEach((cell, i) => {
          expect(cell).not.toMatch(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/);
          const v = values[i]!;
          expect(cell).toBe(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(v) ? `'${v}` : v);
        });
        for (const v of values) expect(csvCell(v).startsWith('"')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('jsonLine writes no raw control, bidi or separator character and parses back to the input', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const line = jsonLine({ text: s });
        expect(line).not.toMatch(/[\u0000-\u001f\u0080-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
        expect(JSON.parse(line).text).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the post page, for any post text and author name', () => {
  let f: Fixture;
  let cookie: string;
  beforeAll(async () => {
    f = await makeFixture();
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    cookie = (await login(f.app, 'proxy@example.org')).header();
  });
  afterAll(() => f.close());

  it('shows the stored text escaped, exactly once, and never as markup', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.string({ unit, minLength: 1, maxLength: 30 }), async (text, name) => {
        const [id] = await f.addPosts('alice', [{ text: `${text}¤`, handle: name, level: 'low' }]);
        const res = await f.app.inject({ method: 'GET', url: `/posts/${id}`, headers: { cookie } });
        expect(res.statusCode).toBe(200);
        // Storing turns U+0000 into U+FFFD (PostgreSQL text cannot hold it; both stores agree).
        const stored = wellFormed(`${text}¤`).replaceAll('\u0000', '\uFFFD');
        expect(res.body).toContain(escapeHtml(stored));
        // The only scripts: the layout's same-origin file, and nonce-carrying ones.
        expect(res.body).not.toMatch(/<script(?![^>]*\bnonce=)(?! src="\/static\/[a-z-]+\.js")/i);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
