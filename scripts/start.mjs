// `npm start`: builds, then opens examples/ in VS Code with the extension loaded.
//
// - With desktop VS Code on PATH (`code`): `code --extensionDevelopmentPath=<repo> examples`.
// - Otherwise: code-server 4.100.3 (VS Code in the browser), installed on first use into a cache
//   folder outside the repository (AGENTGRAPH_CODE_SERVER_DIR, default
//   ~/.cache/agentgraph/code-server) with scripts/install-code-server.sh (npm + apt only), with the
//   freshly packaged .vsix installed into a throw-away extensions dir, bound to 127.0.0.1 on a
//   free port. It prints the URL to open and runs until Ctrl+C.
//
//   npm start                  # auto: desktop VS Code if available, else code-server
//   npm start -- --web         # always code-server
//   npm start -- --port 8080   # code-server on a given port
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const web = args.includes('--web');
const portArg = args.indexOf('--port') >= 0 ? Number(args[args.indexOf('--port') + 1]) : undefined;
const EXAMPLES = path.join(ROOT, 'examples');

function onPath(cmd) {
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(/\r?\n/)[0].trim() : undefined;
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.status !== 0) {
    console.error(`start: ${path.basename(cmd)} ${cmdArgs.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

const code = web ? undefined : onPath('code');
if (code) {
  run(process.execPath, [path.join(ROOT, 'scripts/build.mjs')]);
  console.log(`start: opening ${path.relative(process.cwd(), EXAMPLES) || '.'} in VS Code with the extension from ${ROOT}`);
  run(code, [`--extensionDevelopmentPath=${ROOT}`, EXAMPLES]);
  process.exit(0);
}

// code-server: package the extension, install it into a fresh extensions dir, serve examples/.
run(process.execPath, [path.join(ROOT, 'scripts/package.mjs')]);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
const csDir = process.env.AGENTGRAPH_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/agentgraph/code-server');
const bin = process.env.CODE_SERVER ?? path.join(csDir, 'node_modules/.bin/code-server');
if (!process.env.CODE_SERVER && !existsSync(path.join(csDir, '.installed-4.100.3'))) {
  console.log(`start: installing code-server 4.100.3 into ${csDir} (first use only, about 2 minutes)…`);
  run('bash', [path.join(ROOT, 'scripts/install-code-server.sh'), csDir]);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-start-'));
const extDir = path.join(tmp, 'extensions');
const userDir = path.join(tmp, 'user-data');
const config = path.join(tmp, 'config.yaml');
for (const d of [extDir, path.join(userDir, 'User')]) mkdirSync(d, { recursive: true });
writeFileSync(config, 'auth: none\ncert: false\n');
writeFileSync(
  path.join(userDir, 'User/settings.json'),
  JSON.stringify({ 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false }, null, 2),
);
const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(tmp, 'xdg/config'),
  XDG_CACHE_HOME: path.join(tmp, 'xdg/cache'),
  XDG_DATA_HOME: path.join(tmp, 'xdg/data'),
};
const common = ['--config', config, '--extensions-dir', extDir, '--user-data-dir', userDir];
run(bin, [...common, '--install-extension', vsix], { env });

const port =
  portArg ??
  (await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  }));
const server = spawn(bin, [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', EXAMPLES], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true, // Own process group, so stopping it stops the extension host and the language server too.
});
let stopped = false;
const stop = () => {
  if (stopped) return;
  stopped = true;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  rmSync(tmp, { recursive: true, force: true });
};
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
let announced = false;
const onData = (d) => {
  const text = d.toString();
  if (process.env.AGENTGRAPH_VERBOSE) process.stderr.write(text);
  if (!announced && text.includes('HTTP server listening')) {
    announced = true;
    console.log(`\nAgentGraph is running in VS Code (code-server) at:\n\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(EXAMPLES)}\n\nOpen it in a browser. Ctrl+C stops it.`);
  }
};
server.stdout.on('data', onData);
server.stderr.on('data', onData);
server.on('exit', (c) => {
  if (!stopped) console.error(`start: code-server exited (${c}); set AGENTGRAPH_VERBOSE=1 to see its log.`);
  process.exit(c ?? 1);
});
