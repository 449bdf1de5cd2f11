// Bundles each entry point with esbuild. Entry points that do not exist yet are skipped so the
// build stays green while the project grows; each later issue adds its entry here.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const entries = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', platform: 'node' },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js', platform: 'node' },
  { in: 'client/src/extension.ts', out: 'dist/client.js', platform: 'node', external: ['vscode'] },
  // The language client library, loaded by dist/client.js right after activation (keeps activation fast).
  { in: 'client/src/language-client.ts', out: 'dist/client-lsp.js', platform: 'node', external: ['vscode'] },
  // The debug adapter: its own process speaking DAP on stdio, so debugged runs stay out of the extension host.
  { in: 'server/src/debug/main.ts', out: 'dist/debug-adapter.js', platform: 'node' },
  // The run host: a child process per editor run (server/src/runhost/main.ts), away from the extension host.
  { in: 'server/src/runhost/main.ts', out: 'dist/run-host.js', platform: 'node' },
  // TypeScript tool loader hooks (pure JS, sucrase inside) that the CLI, run host and debug adapter register.
  { in: 'server/src/tsloader/hooks.ts', out: 'dist/ts-hooks.mjs', platform: 'node', format: 'esm' },
];
// `--webview-only [--webview-out=DIR]` builds just the diagram webview (the browser tests and the
// diagram benchmark bundle it into a temporary folder that way).
const webviewOnly = process.argv.includes('--webview-only');
const webviewOut = process.argv.find((a) => a.startsWith('--webview-out='))?.slice('--webview-out='.length) || 'dist';
for (const e of webviewOnly ? [] : entries) {
  if (!existsSync(e.in)) continue;
  await build({
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: e.platform,
    format: e.format ?? 'cjs',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    external: e.external ?? [],
    logLevel: 'warning',
  });
}

/**
 * Mermaid loads every diagram type, math rendering (KaTeX) and several layouts with dynamic
 * imports, and @mermaid-js/layout-elk carries its own copy of all of them. The webview only draws
 * flowcharts, so those dynamic imports resolve to a module that throws: the bundle shrinks from
 * about 8.5 MB to a fraction of it. Static imports are untouched, so nothing the flowchart code
 * needs can go missing; the dynamic ones kept are the flowchart, the dagre and ELK layouts and the
 * node-size capture.
 */
const KEEP_DYNAMIC = /(^|\/)(flowDiagram|dagre|sizeCapture|render|mermaid-layout-elk)[-.][^/]*$/;
const flowchartOnly = {
  name: 'mermaid-flowchart-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      if (!/node_modules[\\/](mermaid|@mermaid-js)[\\/]/.test(args.importer)) return undefined;
      if (KEEP_DYNAMIC.test(args.path)) return undefined;
      return { path: args.path, namespace: 'mermaid-stub' };
    });
    b.onLoad({ filter: /.*/, namespace: 'mermaid-stub' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`Not included in the AgentGraph diagram view: ${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * Mermaid's getConfig() deep-copies the whole configuration (every diagram type's settings and the
 * theme variables) with a slow generic merge on each call, and the flowchart renderer calls it
 * several times per node and edge: about a third of the time a diagram takes. This keeps the
 * merged copy while the configuration object is the same (Mermaid replaces, never mutates it) and
 * hands out a fast copy with the same depth, so callers still get an object of their own. When a
 * Mermaid update changes that code the patch is skipped with a warning (slower, still correct).
 */
const GET_CONFIG = /var getConfig = \/\* @__PURE__ \*\/ (__name\d*)\(\(\) => \{\n {2}return assignWithDepth_default\(\{\}, currentConfig\);\n\}, "getConfig"\);/;
const fastGetConfig = (name) => `var agentgraphConfigSource;
var agentgraphConfigCache;
var getConfig = /* @__PURE__ */ ${name}(() => {
  if (agentgraphConfigSource !== currentConfig) {
    agentgraphConfigSource = currentConfig;
    agentgraphConfigCache = assignWithDepth_default({}, currentConfig);
  }
  const out = {};
  for (const k of Object.keys(agentgraphConfigCache)) {
    const v = agentgraphConfigCache[k];
    if (v === null || typeof v !== "object") { out[k] = v; continue; }
    if (Array.isArray(v)) { out[k] = v.slice(); continue; }
    const o = {};
    for (const k2 of Object.keys(v)) {
      const v2 = v[k2];
      o[k2] = v2 !== null && typeof v2 === "object" ? (Array.isArray(v2) ? v2.slice() : Object.assign({}, v2)) : v2;
    }
    out[k] = o;
  }
  return out;
}, "getConfig");`;
let configPatched = 0;
const fastConfig = {
  name: 'mermaid-fast-config',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/](mermaid|@mermaid-js)[\\/].*chunk-[^\\/]*\.mjs$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const m = GET_CONFIG.exec(text);
      if (!m) return undefined;
      configPatched++;
      return { contents: text.replace(GET_CONFIG, fastGetConfig(m[1])), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// The diagram webview (webview/src/main.ts): one self-contained browser script with Mermaid, the
// ELK layout and the VS Code elements bundled in (nothing loads from a CDN), plus its stylesheet.
if (existsSync('webview/src/main.ts')) {
  await build({
    entryPoints: ['webview/src/main.ts'],
    plugins: [flowchartOnly, fastConfig],
    outfile: `${webviewOut}/webview.js`,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    sourcemap: !production,
    minify: production,
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (configPatched === 0) console.warn('build: Mermaid getConfig() not found; the diagram view is built without its speed-up (see scripts/build.mjs).');
  await build({
    entryPoints: ['webview/src/styles.css'],
    outfile: `${webviewOut}/webview.css`,
    bundle: true,
    minify: production,
    logLevel: 'warning',
  });
}

// The form webview (webview/src/forms/main.ts): run inputs and human answers as forms generated
// from JSON Schema, with the VS Code elements bundled in; dist/forms.js and dist/forms.css.
if (!webviewOnly && existsSync('webview/src/forms/main.ts')) {
  await build({ entryPoints: ['webview/src/forms/main.ts'], outfile: 'dist/forms.js', bundle: true, platform: 'browser', format: 'iife', target: ['chrome120'], sourcemap: !production, minify: production, legalComments: 'none', logLevel: 'warning' });
  await build({ entryPoints: ['webview/src/forms/styles.css'], outfile: 'dist/forms.css', bundle: true, minify: production, logLevel: 'warning' });
}

// The trace viewer webview (webview/src/trace/main.ts): trace files, live runs and Compare Runs;
// dist/trace.js and dist/trace.css. Built with --webview-only too, into --webview-out.
if (existsSync('webview/src/trace/main.ts')) {
  await build({ entryPoints: ['webview/src/trace/main.ts'], outfile: `${webviewOut}/trace.js`, bundle: true, platform: 'browser', format: 'iife', target: ['chrome120'], sourcemap: !production, minify: production, legalComments: 'none', logLevel: 'warning' });
  await build({ entryPoints: ['webview/src/trace/styles.css'], outfile: `${webviewOut}/trace.css`, bundle: true, minify: production, logLevel: 'warning' });
}
