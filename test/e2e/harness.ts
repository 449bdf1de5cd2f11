// The end-to-end harness: a real VS Code (code-server 4.100.3, i.e. VS Code 1.100.3) with the
// packaged .vsix installed into a throw-away extensions dir, opened in Debian's Chromium driven by
// playwright-core. Every run gets fresh user-data, extensions, workspace and XDG dirs under one
// temp folder; code-server runs in its own process group, killed on every exit path.
//
// Environment:
//   AGENTGRAPH_CODE_SERVER_DIR  where scripts/install-code-server.sh installed code-server
//                               (default ~/.cache/agentgraph/code-server; installed on first use)
//   CODE_SERVER                 the code-server binary (overrides the above)
//   CHROMIUM                    the browser binary (default /usr/bin/chromium)
//   E2E_VSIX                    the .vsix to test (default agentgraph-<version>.vsix, packaged if missing)
//   E2E_HEADED=1                show the browser; E2E_KEEP=1 keep the temp folder

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
export const OUT = path.join(ROOT, 'test-output/e2e');
export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerDir(): string {
  return process.env.AGENTGRAPH_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/agentgraph/code-server');
}

/** The code-server binary, installing it (about 2 minutes, npm + apt only) when missing. */
export function ensureCodeServer(log: (m: string) => void): string {
  if (process.env.CODE_SERVER) return process.env.CODE_SERVER;
  const dir = codeServerDir();
  const bin = path.join(dir, 'node_modules/.bin/code-server');
  if (existsSync(bin) && existsSync(path.join(dir, `.installed-${CODE_SERVER_VERSION}`))) return bin;
  log(`code-server ${CODE_SERVER_VERSION} not found in ${dir}; installing it (about 2 minutes)…`);
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/install-code-server.sh'), dir], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`installing code-server into ${dir} failed (exit ${r.status})`);
  return bin;
}

export function chromiumPath(): string {
  const p = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}. Install it with: apt-get install -y chromium (or set CHROMIUM).`);
  return p;
}

/** The .vsix under test, packaged first when it does not exist. */
export function ensureVsix(log: (m: string) => void): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = process.env.E2E_VSIX ? path.resolve(process.env.E2E_VSIX) : path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const stale = !process.env.E2E_VSIX && existsSync(vsix) && newestSource() > statSync(vsix).mtimeMs;
  if (!existsSync(vsix) || stale) {
    log(`${path.relative(ROOT, vsix)} ${stale ? 'is older than the sources' : 'not found'}; running npm run package…`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs')], { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0 || !existsSync(vsix)) throw new Error('npm run package failed');
  }
  return vsix;
}

/** Modification time of the newest file that goes into the .vsix. */
function newestSource(): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['client/src', 'server/src', 'webview/src', 'syntaxes', 'media', 'language-configuration.json', 'package.json']) visit(path.join(ROOT, p));
  return newest;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A throw-away code-server: dirs, settings, the extension installed, the server running. */
export class CodeServer {
  readonly tmp: string;
  readonly workspace: string;
  readonly userData: string;
  readonly extensions: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly config: string;
  private proc: ChildProcess | undefined;
  log = '';
  port = 0;

  constructor(
    private readonly bin: string,
    settings: Record<string, unknown>,
  ) {
    this.tmp = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-e2e-'));
    this.workspace = path.join(this.tmp, 'ws');
    this.userData = path.join(this.tmp, 'user-data');
    this.extensions = path.join(this.tmp, 'extensions');
    this.config = path.join(this.tmp, 'config.yaml');
    for (const d of [this.workspace, this.extensions, path.join(this.userData, 'User')]) mkdirSync(d, { recursive: true });
    writeFileSync(this.config, 'auth: none\ncert: false\n');
    // Keep code-server, procps and Chromium from writing under ~/.config, ~/.cache, ~/.local.
    this.env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.tmp, 'xdg/config'),
      XDG_CACHE_HOME: path.join(this.tmp, 'xdg/cache'),
      XDG_DATA_HOME: path.join(this.tmp, 'xdg/data'),
    };
    writeFileSync(path.join(this.userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
  }

  private common(): string[] {
    return ['--config', this.config, '--extensions-dir', this.extensions, '--user-data-dir', this.userData];
  }

  installExtension(vsix: string): void {
    const r = spawnSync(this.bin, [...this.common(), '--install-extension', vsix], { env: this.env, encoding: 'utf8', timeout: 120_000 });
    this.log += `$ code-server --install-extension ${path.basename(vsix)}\n${r.stdout ?? ''}${r.stderr ?? ''}\n`;
    if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const proc = spawn(
      this.bin,
      [...this.common(), '--auth', 'none', '--bind-addr', `127.0.0.1:${this.port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', this.workspace],
      { stdio: ['ignore', 'pipe', 'pipe'], env: this.env, detached: true }, // Own process group.
    );
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const t0 = Date.now();
    while (!this.log.includes('HTTP server listening')) {
      if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}:\n${this.log}`);
      if (Date.now() - t0 > 60_000) throw new Error(`code-server did not start within 60 s:\n${this.log}`);
      await sleep(100);
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  /** Kills the whole process group (code-server, its extension host, our language server). */
  stop(): void {
    const pid = this.proc?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    this.proc = undefined;
  }

  /** Pids of processes in the server's group whose command line contains `needle`. */
  findProcesses(needle: string): number[] {
    const pgid = this.proc?.pid;
    if (pgid === undefined) return [];
    const out: number[] = [];
    const r = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
    for (const line of (r.stdout ?? '').split('\n')) {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      if (m && Number(m[2]) === pgid && m[3]!.includes(needle)) out.push(Number(m[1]));
    }
    return out;
  }

  cleanup(): void {
    this.stop();
    if (!process.env.E2E_KEEP) rmSync(this.tmp, { recursive: true, force: true });
  }

  copyIntoWorkspace(from: string, to = path.basename(from)): void {
    const dest = path.join(this.workspace, to);
    mkdirSync(path.dirname(dest), { recursive: true });
    cpSync(from, dest, { recursive: true });
  }
}

export async function launchBrowser(env: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: process.env.E2E_HEADED !== '1',
    env: env as Record<string, string>,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// ------------------------------------------------------------------ the workbench, driven by keyboard

export class Workbench {
  constructor(readonly page: Page) {}

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  async ready(timeout = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
  }

  async escape(times = 2): Promise<void> {
    for (let i = 0; i < times; i++) await this.page.keyboard.press('Escape');
  }

  /** Opens a workspace file through Quick Open and waits for its tab (retried: the picker fills in as it searches). */
  async openFile(relPath: string): Promise<void> {
    const name = path.basename(relPath);
    const tab = this.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name }).first();
    await retry(`open ${relPath}`, 3, async () => {
      await this.escape();
      await this.page.keyboard.press('Control+P');
      await this.quickInput.waitFor({ timeout: 10_000 });
      await this.quickInput.fill(relPath);
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout: 15_000 });
      await sleep(300); // Let the file search finish re-ordering the rows.
      await row.click();
      await tab.waitFor({ timeout: 10_000 });
    });
    await this.activeEditor().locator('.view-line').first().waitFor({ timeout: 15_000 });
    await this.focusEditor();
  }

  /** Runs a command from the palette by its full title (`Category: Title`). */
  async command(title: string): Promise<void> {
    await this.escape();
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor();
    await this.quickInput.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Picks a row of an open quick pick by its label. */
  async pick(label: string): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
  }

  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  async focusEditor(): Promise<void> {
    await this.activeEditor().locator('.view-lines').first().click({ position: { x: 5, y: 5 }, timeout: 3_000 }).catch(() => undefined);
  }

  /** Moves the cursor to a 1-based line and column with Go to Line. */
  async goTo(line: number, column: number): Promise<void> {
    await this.escape();
    await this.page.keyboard.press('Control+G');
    await this.quickInput.waitFor();
    await this.quickInput.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.waitForCursor(line, column);
  }

  async cursor(): Promise<{ line: number; column: number } | undefined> {
    const text = await this.page.locator('#status\\.editor\\.selection').innerText({ timeout: 5_000 }).catch(() => '');
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
  }

  async waitForCursor(line: number, column?: number, timeout = 10_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const c = await this.cursor();
      if (c && c.line === line && (column === undefined || c.column === column)) return;
      if (Date.now() - t0 > timeout) throw new Error(`cursor is at ${c ? `Ln ${c.line}, Col ${c.column}` : 'unknown'}, expected Ln ${line}${column ? `, Col ${column}` : ''}`);
      await sleep(200);
    }
  }

  /** The diagram webview's document: outer iframe.webview, inner #active-frame. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async clearNotifications(): Promise<void> {
    await this.command('Notifications: Clear All Notifications').catch(() => undefined);
    await this.escape();
  }
}

// ------------------------------------------------------------------ steps

export type StepStatus = 'pass' | 'fail' | 'blocked';

export interface StepResult {
  name: string;
  status: StepStatus;
  ms: number;
  detail?: string;
  screenshot?: string;
}

/** Thrown by a step whose feature is someone else's and has not landed yet. */
export class Blocked extends Error {}

export async function retry<T>(what: string, attempts: number, fn: (attempt: number) => Promise<T>, recover?: () => Promise<void>): Promise<T> {
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await fn(i);
    } catch (err) {
      if (err instanceof Blocked) throw err;
      last = err;
      console.log(`  … ${what}: attempt ${i}/${attempts} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      if (recover) await recover().catch(() => undefined);
    }
  }
  throw last;
}

export function copyScreenshot(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
}
