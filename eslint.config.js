import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerRules } from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is pure: no I/O, no clock, no environment (design.md, conventions 3).
    files: ['src/plan/**/*.ts', 'src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'undici', 'ldapts', 'lowdb', 'pino', 'p-queue', 'node-cron'] }],
      'no-restricted-globals': ['error', 'process', 'fetch', 'setTimeout', 'setInterval'],
    },
  },
  // Layers and public surfaces (eslint.layers.js, ARCHITECTURE.md): an area imports only the areas below it,
  // and another area only through its index.js.
  ...layerRules(),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // zod's internals change between minor versions: read schemas through the public API (config/known-keys.ts).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='_zod']",
          message: "zod's _zod internals are not API: use instanceof, .shape, .unwrap(), .in, .options or .def",
        },
      ],
    },
  },
);
