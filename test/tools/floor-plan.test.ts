import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
// @ts-expect-error: the lint plugin is plain JavaScript, without type declarations.
import floorPlan, { cyclesIn, locate } from '../../tools/eslint-floor-plan.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Lints `code` as if it were the file at `file`, with the floor-plan rules only. */
async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'floor-plan': floorPlan },
        rules: { 'floor-plan/layers': 'error' },
      },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the floor-plan lint rule', () => {
  it('places src/cli.ts with src/cli/, and scoring at the bottom', () => {
    expect(locate('src/cli.ts')).toEqual(locate('src/cli/commands-core.ts'));
    expect(locate('src/scoring/index.ts')!.floor).toBeGreaterThan(locate('src/db/client.ts')!.floor);
    expect(locate('bench/score.ts')).toBeUndefined();
  });

  it('accepts an import from a lower floor, types included', async () => {
    expect(await lint('src/app/example.ts', "import type { Db } from '../db/client.ts';\n")).toEqual([]);
    expect(
      await lint('src/ingest/example.ts', "import { withPiiHits } from '../identity/pii.ts';\n"),
    ).toEqual([]);
  });

  it('refuses an upward import, even of a type', async () => {
    const messages = await lint('src/db/example.ts', "import type { Deps } from '../app/deps.ts';\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^floor-plan\/layers: src\/db\/example\.ts \(storage and jobs\) must not import/,
    );
  });

  it('refuses a sideways import between units of one floor, and a re-export or dynamic import too', async () => {
    expect(
      await lint('src/alerts/example.ts', "import { writeDossier } from '../evidence/dossier.ts';\n"),
    ).toEqual([expect.stringMatching(/units of one floor \(features\) do not import each other/)]);
    expect(await lint('src/jobs/example.ts', "export { openDb } from '../db/client.ts';\n")).toHaveLength(1);
    expect(
      await lint('src/sources/example.ts', "export const load = () => import('../web/app.ts');\n"),
    ).toHaveLength(1);
  });

  it('finds import cycles, and only them', () => {
    const cycles = cyclesIn(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', ['c.ts']],
        ['c.ts', ['a.ts', 'd.ts']],
        ['d.ts', []],
        ['e.ts', ['e.ts']],
      ]),
    );
    expect([...cycles.keys()].sort()).toEqual(['a.ts', 'b.ts', 'c.ts', 'e.ts']);
    expect(cycles.get('b.ts')).toEqual(['a.ts', 'b.ts', 'c.ts']);
  });

  it('finds no upward import and no cycle in src/ as it stands', async () => {
    const eslint = new ESLint({
      cwd: ROOT,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['src/**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { 'floor-plan': floorPlan },
          rules: { 'floor-plan/layers': 'error', 'floor-plan/no-cycle': 'error' },
        },
      ],
    });
    const results = await eslint.lintFiles(['src']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
