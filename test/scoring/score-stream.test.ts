import { describe, expect, it } from 'vitest';
import { PassThrough, Readable, Writable } from 'node:stream';
import { runScoreStream } from '../../src/scoring/index.ts';

async function run(
  input: string,
): Promise<{ out: Record<string, unknown>[]; result: { lines: number; failed: number } }> {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const result = await runScoreStream(Readable.from([input]), output);
  return {
    out: chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    result,
  };
}

describe('runScoreStream', () => {
  it('writes one line per input, in order, with the documented fields', async () => {
    const { out, result } = await run(
      [
        JSON.stringify({ id: 'a', text: "t'es un connard", lang: 'fr' }),
        JSON.stringify({ id: 2, text: 'have a nice day' }),
      ].join('\n') + '\n',
    );
    expect(result).toEqual({ lines: 2, failed: 0 });
    expect(out.map((o) => o.id)).toEqual(['a', 2]);
    expect(Object.keys(out[0]!).sort()).toEqual(['categories', 'hostile', 'id', 'level', 'matches', 'score']);
    expect(out[0]!.hostile).toBe(true);
    expect(out[1]!.hostile).toBe(false);
  });

  it('reports malformed lines and keeps scoring the rest', async () => {
    const { out, result } = await run(
      ['{"id":1,"text":"ok"}', '{not json', '{"id":3}', '{"id":4,"text":"va te pendre"}'].join('\n'),
    );
    expect(result).toEqual({ lines: 4, failed: 2 });
    expect(out[1]).toMatchObject({ line: 2 });
    expect(typeof out[1]!.error).toBe('string');
    expect(out[2]).toMatchObject({ line: 3 });
    expect(out[3]).toMatchObject({ id: 4, level: 'severe' });
  });

  it('streams many lines and respects backpressure of a slow output', async () => {
    const n = 20_000;
    async function* lines(): AsyncGenerator<string> {
      for (let i = 0; i < n; i++)
        yield JSON.stringify({ id: i, text: i % 2 ? 'bonjour à tous' : 'sale con' }) + '\n';
    }
    let count = 0;
    let maxPending = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        count += chunk.toString('utf8').split('\n').length - 1;
        maxPending = Math.max(maxPending, slow.writableLength);
        setImmediate(cb);
      },
    });
    const result = await runScoreStream(Readable.from(lines()), slow);
    expect(result).toEqual({ lines: n, failed: 0 });
    expect(count).toBe(n);
    expect(maxPending).toBeLessThan(256 * 1024);
  });
});
