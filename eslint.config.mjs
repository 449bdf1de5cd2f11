// ESLint flat config: typescript-eslint's recommended rules on every TypeScript source.
// typescript-eslint needs the TypeScript 6 compiler API, so `typescript` in package.json is 6.x
// and the fast native 7.x compiler (`tsc7`) does the type-checking.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'bench/.generated/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
);
