// Bundles the desktop suite (test/desktop/*.desktop.ts) into out/desktop/ for @vscode/test-cli,
// with `vscode` and `mocha` left to the test host.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../..');
const entries = readdirSync(here).filter((f) => f.endsWith('.desktop.ts')).map((f) => path.join(here, f));
await build({
  entryPoints: entries,
  outdir: path.join(ROOT, 'out/desktop'),
  // Keep out/desktop/x.js two levels below the root, like test/desktop/x.ts, so __dirname-relative paths hold.
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`bundled ${entries.length} desktop test file(s) into out/desktop/`);
