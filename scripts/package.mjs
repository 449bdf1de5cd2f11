// `npm run package`: a production build (minified, no source maps), then `vsce package` into
// agentgraph-<version>.vsix at the repository root. Only what .vscodeignore allows goes in; the
// bundles carry their dependencies, hence --no-dependencies.
//   node scripts/package.mjs [--skip-build] [--out FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(ROOT, outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : `${pkg.name}-${pkg.version}.vsix`);

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${path.basename(cmd)} ${cmdArgs.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

if (!args.includes('--skip-build')) {
  // Source maps from an earlier development build must not linger next to minified bundles.
  for (const f of ['client.js.map', 'client-lsp.js.map', 'server.js.map', 'webview.js.map']) rmSync(path.join(ROOT, 'dist', f), { force: true });
  run(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--production']);
}
for (const f of ['dist/client.js', 'dist/client-lsp.js', 'dist/server.js']) {
  if (!existsSync(path.join(ROOT, f))) {
    console.error(`package: ${f} is missing; the build did not produce it.`);
    process.exit(1);
  }
}
if (!existsSync(path.join(ROOT, 'dist/webview.js'))) console.warn('package: warning: dist/webview.js is missing; the diagram view will not render.');

const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
// README links are relative to the repository; the Marketplace page needs absolute ones.
const repo = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const links = repo.startsWith('https://') ? ['--baseContentUrl', `${repo}/blob/HEAD`, '--baseImagesUrl', `${repo}/raw/HEAD`] : [];
run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-update-package-json', '--no-git-tag-version', ...links, '--out', out]);
console.log(`package: ${path.relative(process.cwd(), out)} (${(statSync(out).size / 1024).toFixed(0)} KB)`);
