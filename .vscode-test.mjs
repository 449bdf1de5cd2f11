// @vscode/test-cli configuration for the desktop suite (`npm run test:desktop`): downloads VS Code
// (needs a network connection), loads this repository as the extension under development, opens
// examples/ and runs the bundled tests from out/desktop/ (see test/desktop/build.mjs).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'desktop',
  files: 'out/desktop/**/*.desktop.js',
  version: '1.100.3',
  workspaceFolder: './examples',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 60_000 },
});
