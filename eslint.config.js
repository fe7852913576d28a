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
    // The floor plan (docs/ARCHITECTURE.md): who may import whom in src/, and no cycles.
    files: ['src/**/*.ts'],
    plugins: { 'floor-plan': floorPlan },
    rules: { 'floor-plan/layers': 'error', 'floor-plan/no-cycle': 'error' },
  },
);
