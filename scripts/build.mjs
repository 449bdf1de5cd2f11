// Bundles each entry point with esbuild. Entry points that do not exist yet are skipped so the
// build stays green while the project grows; each later issue adds its entry here.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const entries = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', platform: 'node' },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js', platform: 'node' },
  { in: 'client/src/extension.ts', out: 'dist/client.js', platform: 'node', external: ['vscode'] },
];
for (const e of entries) {
  if (!existsSync(e.in)) continue;
  await build({
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: e.platform,
    format: 'cjs',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    external: e.external ?? [],
    logLevel: 'warning',
  });
}
