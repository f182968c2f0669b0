// @ts-check
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core and webview never import vscode: put VS Code glue in src/extension.' }],
    patterns: [{ group: ['**/extension/**', '**/src/extension/*'], message: 'core and webview must not depend on src/extension.' }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', '.caro/**', 'out/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports.' }],
    },
  },
  { files: ['src/core/**/*.ts', 'webview/**/*.ts', 'webview/**/*.tsx', 'test/unit/**/*.ts'], rules: noVscode },
  {
    files: ['webview/**/*.ts', 'webview/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'webviews never import vscode.' }],
        patterns: [{ regex: 'src/core/(?!protocol|model)', message: 'webviews import only core/protocol and core/model.' },
                   { regex: 'src/extension', message: 'webviews import only core/protocol and core/model.' }],
      }],
    },
  },
  { files: ['scripts/**/*.mjs', 'test/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
