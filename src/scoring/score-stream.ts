// The `vigie score` engine: JSON Lines in, one JSON line out per input line, in order.
// Streams with readline (input is paused while output is congested), so memory stays constant
// whatever the number of lines.
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { RULES_ONLY, type LearnedOptions } from './learned-model.ts';
import { createScorer } from './scorer.ts';
import type { WatchScoringOptions } from './types.ts';

/** Output is flushed in chunks: one write per line would dominate the cost of scoring. */
const FLUSH_BYTES = 64 * 1024;

function parseLine(line: string): { id: unknown; text: string; lang?: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const o = value as Record<string, unknown>;
  if (!('id' in o) || (typeof o.id !== 'string' && typeof o.id !== 'number'))
    return '"id" must be a string or a number';
  if (typeof o.text !== 'string') return '"text" must be a string';
  if (o.lang !== undefined && o.lang !== null && typeof o.lang !== 'string') return '"lang" must be a string';
  return { id: o.id, text: o.text, lang: typeof o.lang === 'string' ? o.lang : undefined };
}

export async function runScoreStream(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options?: WatchScoringOptions,
  learned: LearnedOptions = RULES_ONLY,
): Promise<{ lines: number; failed: number }> {
  const scorer = createScorer(options, learned);
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let lines = 0;
  let failed = 0;
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  for await (const raw of rl) {
    lineNo++;
    if (raw.trim() === '') continue; // blank lines (e.g. a trailing newline) are not inputs
    lines++;
    const parsed = parseLine(raw);
    if (typeof parsed === 'string') {
      failed++;
      buffer += JSON.stringify({ line: lineNo, error: parsed }) + '\n';
    } else {
      const r = scorer.score(parsed.text, parsed.lang);
      buffer +=
        JSON.stringify({
          id: parsed.id,
          score: r.score,
          level: r.level,
          hostile: r.hostile,
          categories: r.categories,
          matches: r.matches,
        }) + '\n';
    }
    if (buffer.length >= FLUSH_BYTES) await flush();
  }
  await flush();
  return { lines, failed };
}
