import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import floorPlan from './tools/eslint-floor-plan.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.vigie-tmp/**',
      'dist/**',
      'data/**',
      'migrations/**',
      'test/artifacts/**',
      'dashboard/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      'no-misleading-character-class': 'off',
    },
  },
  {
    // Repositories are async (SQLite and PostgreSQL share them): a statement or a repository call
    // not awaited is a write that may land after the caller moved on, or a lost error.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The floor plan (docs/ARCHITECTURE.md): who may import whom in src/, and no cycles.
    files: ['src/**/*.ts'],
    plugins: { 'floor-plan': floorPlan },
    rules: { 'floor-plan/layers': 'error', 'floor-plan/no-cycle': 'error' },
  },
);
