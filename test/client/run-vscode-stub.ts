// A small stand-in for the `vscode` module, enough for the run commands (client/src/run): events,
// URIs, a workspace over a real folder, scripted quick picks, input boxes and message answers, a
// progress notification whose Cancel a test can press, and commands. run-commands.test.ts makes
// `import 'vscode'` resolve here (see the Module hook at its top).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): Disposable => {
    this.listeners.push(l);
    return new Disposable(() => (this.listeners = this.listeners.filter((x) => x !== l)));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => {}) {}
  dispose(): void {
    this.fn();
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {}
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    private readonly text: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p), pathToFileURL(path.resolve(p)).href);
  }
  static parse(s: string): Uri {
    return s.startsWith('file:') ? Uri.file(fileURLToPath(s)) : new Uri(s.slice(0, s.indexOf(':')), '', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return Uri.file(path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return this.text;
  }
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}
export enum ViewColumn {
  Active = -1,
  Beside = -2,
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!name.startsWith('.') && name !== 'node_modules') walk(full, out);
    } else out.push(full);
  }
}

export const settings = new Map<string, unknown>();
const state = new Map<string, unknown>();
export const memento = {
  get: <T>(key: string): T | undefined => state.get(key) as T | undefined,
  update: (key: string, value: unknown) => {
    state.set(key, value);
    return Promise.resolve();
  },
};

export const workspace = {
  isTrusted: true,
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  textDocuments: [] as { uri: Uri; isDirty: boolean; languageId: string; getText(): string }[],
  getWorkspaceFolder(uri: Uri) {
    return workspace.workspaceFolders.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + path.sep));
  },
  asRelativePath(uri: Uri | string): string {
    const u = typeof uri === 'string' ? Uri.file(uri) : uri;
    const f = workspace.getWorkspaceFolder(u);
    return f ? path.relative(f.uri.fsPath, u.fsPath) : u.fsPath;
  },
  /** The input-file globs of input-picker.ts: JSON files under an `inputs` folder or named *.input.json. */
  async findFiles(): Promise<Uri[]> {
    const out: string[] = [];
    for (const f of workspace.workspaceFolders) walk(f.uri.fsPath, out);
    return out.filter((p) => /[\\/]inputs[\\/].*\.json$|\.input\.json$/.test(p)).map((p) => Uri.file(p));
  },
  fs: {
    async readFile(uri: Uri): Promise<Uint8Array> {
      return readFileSync(uri.fsPath);
    },
  },
  getConfiguration(section: string) {
    return { get: <T>(key: string, dflt?: T) => (settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : dflt) };
  },
  async openTextDocument(o: { language: string; content: string }) {
    opened.push(o);
    return o;
  },
};

export const opened: { language: string; content: string }[] = [];

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
  activeTextEditor: undefined as { document: { uri: Uri; languageId: string } } | undefined,
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
  async showTextDocument(): Promise<void> {},
};

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
