// A small, behaving stand-in for the `vscode` module, so client code runs in the Node test runner:
// a workspace over a real folder (files found by glob, configuration, documents and their events,
// file watchers), a window whose quick picks, input boxes and message buttons a test scripts,
// progress notifications whose Cancel a test can press, webview panels that record what they are
// sent (and can be made to receive messages), the clipboard, commands, and the Testing API
// (./vscode-stub-testing.ts). Tests import `./vscode-register.ts` first, which makes
// `import 'vscode'` resolve here, and read what happened from the records exported below.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource, Disposable, EventEmitter, QuickPickItemKind, RelativePattern, Uri, type Range, type ViewColumn } from './vscode-stub-base.ts';

export * from './vscode-stub-base.ts';
export * from './vscode-stub-testing.ts';

// ------------------------------------------------------------------ webview panels

export class FakeWebview {
  html = '';
  options: unknown;
  readonly cspSource = 'vscode-src';
  readonly sent: { type: string; [k: string]: unknown }[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  asWebviewUri(u: Uri): string {
    return `vscode-src${u.fsPath}`;
  }
  postMessage(m: unknown): Promise<boolean> {
    this.sent.push(structuredClone(m) as { type: string });
    return Promise.resolve(true);
  }
  /** A message from the page. */
  receive(m: unknown): void {
    this.received.fire(m);
  }
}

export class FakePanel {
  readonly webview = new FakeWebview();
  active = true;
  visible = true;
  private readonly disposed = new EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private readonly viewState = new EventEmitter<unknown>();
  readonly onDidChangeViewState = this.viewState.event;
  revealed = 0;
  constructor(
    readonly viewType: string,
    public title: string,
  ) {}
  reveal(): void {
    this.revealed++;
  }
  dispose(): void {
    this.disposed.fire();
  }
}

interface ShowOptions {
  selection: Range;
  viewColumn: ViewColumn;
  preserveFocus: boolean;
}

/** What the webview and editor tests inspect. */
export const recorded = {
  panels: [] as FakePanel[],
  /** Documents shown in an editor (those with a file) and how. */
  shown: [] as { file: string; options: ShowOptions }[],
  clipboard: [] as string[],
  reset(): void {
    this.panels.length = 0;
    this.shown.length = 0;
    this.clipboard.length = 0;
  },
};

// ------------------------------------------------------------------ workspace

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  isDirty: boolean;
  getText(): string;
  save?(): Promise<boolean>;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
}

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over '/'-separated relative paths. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const patternText = (p: string | RelativePattern): string => (typeof p === 'string' ? p : p.pattern);

export const watchers: { pattern: string; create: EventEmitter<Uri>; change: EventEmitter<Uri>; delete: EventEmitter<Uri> }[] = [];
export const settings = new Map<string, unknown>();
/** Documents opened from content (`openTextDocument({ language, content })`). */
export const opened: { language: string; content: string }[] = [];
const configEmitter = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();
const changeDoc = new EventEmitter<{ document: FakeDocument }>();
const saveDoc = new EventEmitter<FakeDocument>();
const openDoc = new EventEmitter<FakeDocument>();

export const workspace = {
  isTrusted: true,
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  textDocuments: [] as FakeDocument[],
  getWorkspaceFolder(uri: Uri) {
    return workspace.workspaceFolders.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + path.sep));
  },
  asRelativePath(uri: Uri | string): string {
    const u = typeof uri === 'string' ? Uri.file(uri) : uri;
    const f = workspace.getWorkspaceFolder(u);
    return f ? path.relative(f.uri.fsPath, u.fsPath) : u.fsPath;
  },
  /** The files under the pattern's base (every workspace folder for a plain glob) that match it and not `exclude`. */
  async findFiles(include: string | RelativePattern, exclude?: string, maxResults?: number): Promise<Uri[]> {
    const bases = include instanceof RelativePattern ? ['uri' in include.base ? include.base.uri : include.base] : workspace.workspaceFolders.map((f) => f.uri);
    const wanted = globRegExp(patternText(include));
    const unwanted = exclude ? globRegExp(exclude) : undefined;
    const out: Uri[] = [];
    for (const base of bases) {
      const files: string[] = [];
      walk(base.fsPath, files);
      for (const f of files) {
        const rel = path.relative(base.fsPath, f).split(path.sep).join('/');
        if (wanted.test(rel) && !unwanted?.test(rel)) out.push(Uri.file(f));
      }
    }
    return out.slice(0, maxResults);
  },
  fs: {
    async readFile(uri: Uri): Promise<Uint8Array> {
      return new Uint8Array(readFileSync(uri.fsPath));
    },
  },
  createFileSystemWatcher(pattern: string | RelativePattern) {
    const w = { pattern: patternText(pattern), create: new EventEmitter<Uri>(), change: new EventEmitter<Uri>(), delete: new EventEmitter<Uri>() };
    watchers.push(w);
    return { onDidCreate: w.create.event, onDidChange: w.change.event, onDidDelete: w.delete.event, dispose() {} };
  },
  getConfiguration(section: string) {
    return { get: <T>(key: string, dflt?: T) => (settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : dflt) };
  },
  /** A file's document (`{ uri }`), or an untitled one made from content (recorded in `opened`). */
  async openTextDocument(o: Uri | { language: string; content: string }) {
    if (o instanceof Uri) return { uri: o };
    opened.push(o);
    return o;
  },
  onDidChangeConfiguration: configEmitter.event,
  onDidChangeTextDocument: changeDoc.event,
  onDidSaveTextDocument: saveDoc.event,
  onDidOpenTextDocument: openDoc.event,
};

export const fire = {
  configuration: (section: string) => configEmitter.fire({ affectsConfiguration: (s: string) => section.startsWith(s) }),
  changeDocument: (d: FakeDocument) => changeDoc.fire({ document: d }),
  saveDocument: (d: FakeDocument) => saveDoc.fire(d),
};

/** An extension context's `workspaceState`. */
const state = new Map<string, unknown>();
export const memento = {
  get: <T>(key: string): T | undefined => state.get(key) as T | undefined,
  update: (key: string, value: unknown) => {
    state.set(key, value);
    return Promise.resolve();
  },
};

// ------------------------------------------------------------------ window

/** What the user does next, in order: each quick pick / input box / message takes the first matching answer. */
export const script = {
  /** Chooses among the items (labels) of a quick pick; returns the labels to pick. */
  quickPicks: [] as ((labels: string[]) => string[] | undefined)[],
  inputBoxes: [] as ((o: { validateInput?: (v: string) => string | undefined }) => string | undefined)[],
  /** Button to press on a message whose text matches. */
  buttons: [] as { match: RegExp; button: string }[],
  /** Called once a progress notification shows; gets its Cancel button. */
  onProgress: undefined as ((cancel: () => void) => void) | undefined,
};

/** Every information, warning and error message shown, in order. */
export const messages: { level: 'info' | 'warning' | 'error'; text: string; buttons: string[] }[] = [];
export const progressReports: string[] = [];
export const progressTitles: string[] = [];

function message(level: 'info' | 'warning' | 'error') {
  return async (text: string, ...buttons: string[]): Promise<string | undefined> => {
    messages.push({ level, text, buttons });
    const i = script.buttons.findIndex((b) => b.match.test(text));
    if (i < 0) return undefined;
    const [b] = script.buttons.splice(i, 1);
    return buttons.includes(b!.button) ? b!.button : undefined;
  };
}

export const window = {
  activeTextEditor: undefined as { document: FakeDocument } | undefined,
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  async showQuickPick<T extends { label: string; kind?: QuickPickItemKind }>(items: T[] | Promise<T[]>, o?: { canPickMany?: boolean }): Promise<T | T[] | undefined> {
    const list = (await items).filter((i) => i.kind !== QuickPickItemKind.Separator);
    const choose = script.quickPicks.shift();
    const labels = choose?.(list.map((i) => i.label));
    if (!labels) return undefined;
    const picked = list.filter((i) => labels.includes(i.label));
    return o?.canPickMany ? picked : picked[0];
  },
  async showInputBox(o: { validateInput?: (v: string) => string | undefined }): Promise<string | undefined> {
    const answer = script.inputBoxes.shift()?.(o);
    if (answer !== undefined && o.validateInput?.(answer)) throw new Error(`the stub typed an invalid value: ${o.validateInput(answer)}`);
    return answer;
  },
  async withProgress<R>(o: { title: string }, task: (p: { report(v: { message?: string }): void }, token: CancellationTokenSource['token']) => Promise<R>): Promise<R> {
    progressTitles.push(o.title);
    const cts = new CancellationTokenSource();
    script.onProgress?.(() => cts.cancel());
    return task({ report: (v) => v.message !== undefined && progressReports.push(v.message) }, cts.token);
  },
  async showTextDocument(doc: { uri?: Uri }, options?: ShowOptions): Promise<object> {
    if (doc.uri && options) recorded.shown.push({ file: doc.uri.fsPath, options });
    return {};
  },
  createWebviewPanel(viewType: string, title: string): FakePanel {
    const p = new FakePanel(viewType, title);
    recorded.panels.push(p);
    return p;
  },
  setStatusBarMessage: () => new Disposable(),
};

export const env = {
  clipboard: {
    writeText(t: string) {
      recorded.clipboard.push(t);
      return Promise.resolve();
    },
  },
};

// ------------------------------------------------------------------ commands

const registered = new Map<string, (...args: unknown[]) => unknown>();
export const executed: { id: string; args: unknown[] }[] = [];
export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    registered.set(id, fn);
    return new Disposable(() => registered.delete(id));
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    executed.push({ id, args });
    const fn = registered.get(id);
    return fn ? fn(...args) : undefined;
  },
};
