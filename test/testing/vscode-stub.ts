// A small, behaving stand-in for the `vscode` module, enough for the Test Explorer code: the
// Testing API (controller, items, runs that record what they are told), URIs, ranges, messages,
// events, a workspace over a real folder, and commands. Tests import `./vscode-register.ts`
// first, which makes `import 'vscode'` resolve here.

import { readFileSync, readdirSync, statSync } from 'node:fs';
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
  get path(): string {
    return this.scheme === 'file' ? this.fsPath : this.text.replace(/^[a-z]+:/, '');
  }
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

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(sl: number, sc: number, el: number, ec: number) {
    this.start = new Position(sl, sc);
    this.end = new Position(el, ec);
  }
}
export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}
export class RelativePattern {
  constructor(
    readonly base: { uri: Uri } | Uri,
    readonly pattern: string,
  ) {}
}

export class MarkdownString {
  value = '';
  isTrusted: boolean | { enabledCommands: string[] } = false;
  appendText(t: string): this {
    this.value += t.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
    return this;
  }
  appendMarkdown(t: string): this {
    this.value += t;
    return this;
  }
}

export class TestMessage {
  location?: Location;
  expectedOutput?: string;
  actualOutput?: string;
  contextValue?: string;
  constructor(readonly message: string | MarkdownString) {}
  static diff(message: string | MarkdownString, expected: string, actual: string): TestMessage {
    const m = new TestMessage(message);
    m.expectedOutput = expected;
    m.actualOutput = actual;
    return m;
  }
}

export enum TestRunProfileKind {
  Run = 1,
  Debug = 2,
  Coverage = 3,
}

export class TestRunRequest {
  readonly preserveFocus = true;
  constructor(
    readonly include?: readonly TestItem[],
    readonly exclude?: readonly TestItem[],
    readonly profile?: TestRunProfile,
  ) {}
}

export class TestItemCollection {
  private readonly map = new Map<string, TestItem>();
  constructor(private readonly owner: TestItem | undefined) {}
  get size(): number {
    return this.map.size;
  }
  get(id: string): TestItem | undefined {
    return this.map.get(id);
  }
  add(item: TestItem): void {
    item.parent = this.owner;
    this.map.set(item.id, item);
  }
  delete(id: string): void {
    this.map.delete(id);
  }
  replace(items: readonly TestItem[]): void {
    this.map.clear();
    for (const i of items) this.add(i);
  }
  forEach(fn: (item: TestItem) => void): void {
    for (const i of this.map.values()) fn(i);
  }
  [Symbol.iterator](): IterableIterator<[string, TestItem]> {
    return this.map.entries();
  }
}

export class TestItem {
  parent: TestItem | undefined;
  range?: Range;
  error?: string;
  description?: string;
  sortText?: string;
  canResolveChildren = false;
  readonly children: TestItemCollection = new TestItemCollection(this);
  constructor(
    readonly id: string,
    public label: string,
    readonly uri?: Uri,
  ) {}
}

export interface RunEvent {
  kind: 'enqueued' | 'started' | 'passed' | 'failed' | 'errored' | 'skipped';
  id: string;
  messages?: TestMessage[];
  duration?: number;
}

export class TestRun {
  readonly events: RunEvent[] = [];
  readonly output: { text: string; location?: Location; test?: string }[] = [];
  ended = false;
  private readonly cts = new CancellationTokenSource();
  readonly token = this.cts.token;
  constructor(readonly request: TestRunRequest) {}
  private push(kind: RunEvent['kind'], item: TestItem, messages?: TestMessage | readonly TestMessage[], duration?: number): void {
    const ms = messages === undefined ? undefined : Array.isArray(messages) ? [...(messages as TestMessage[])] : [messages as TestMessage];
    this.events.push({ kind, id: item.id, ...(ms ? { messages: ms } : {}), ...(duration !== undefined ? { duration } : {}) });
  }
  enqueued = (i: TestItem) => this.push('enqueued', i);
  started = (i: TestItem) => this.push('started', i);
  skipped = (i: TestItem) => this.push('skipped', i);
  passed = (i: TestItem, d?: number) => this.push('passed', i, undefined, d);
  failed = (i: TestItem, m: TestMessage | readonly TestMessage[], d?: number) => this.push('failed', i, m, d);
  errored = (i: TestItem, m: TestMessage | readonly TestMessage[], d?: number) => this.push('errored', i, m, d);
  appendOutput(text: string, location?: Location, test?: TestItem): void {
    this.output.push({ text, ...(location ? { location } : {}), ...(test ? { test: test.id } : {}) });
  }
  /** What the Test Results view's stop button does. */
  cancelFromUi(): void {
    this.cts.cancel();
  }
  end(): void {
    this.ended = true;
  }
  /** The last state of an item (enqueued/started are not final). */
  final(id: string): RunEvent | undefined {
    return this.events.filter((e) => e.id === id && e.kind !== 'enqueued' && e.kind !== 'started').at(-1);
  }
}

export class TestRunProfile {
  constructor(
    readonly label: string,
    readonly kind: TestRunProfileKind,
    readonly runHandler: (r: TestRunRequest, t: CancellationTokenSource['token']) => Promise<void> | void,
    readonly isDefault: boolean,
    private readonly onDispose: (p: TestRunProfile) => void,
  ) {}
  dispose(): void {
    this.onDispose(this);
  }
}

export class TestController {
  readonly items = new TestItemCollection(undefined);
  readonly profiles: TestRunProfile[] = [];
  readonly runs: TestRun[] = [];
  resolveHandler?: (item: TestItem | undefined) => Promise<void> | void;
  refreshHandler?: () => Promise<void> | void;
  disposed = false;
  constructor(
    readonly id: string,
    readonly label: string,
  ) {}
  createTestItem(id: string, label: string, uri?: Uri): TestItem {
    return new TestItem(id, label, uri);
  }
  createRunProfile(label: string, kind: TestRunProfileKind, handler: TestRunProfile['runHandler'], isDefault = false): TestRunProfile {
    const p = new TestRunProfile(label, kind, handler, isDefault, (x) => this.profiles.splice(this.profiles.indexOf(x), 1));
    this.profiles.push(p);
    return p;
  }
  createTestRun(request: TestRunRequest): TestRun {
    const run = new TestRun(request);
    this.runs.push(run);
    return run;
  }
  dispose(): void {
    this.disposed = true;
  }
}

export const controllers: TestController[] = [];
export const tests = {
  createTestController(id: string, label: string): TestController {
    const c = new TestController(id, label);
    controllers.push(c);
    return c;
  },
};

// ------------------------------------------------------------------ workspace, window, commands

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  isDirty: boolean;
  getText(): string;
  save(): Promise<boolean>;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
}

export const watchers: { pattern: string; create: EventEmitter<Uri>; change: EventEmitter<Uri>; delete: EventEmitter<Uri> }[] = [];
export const settings = new Map<string, unknown>();
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
  /** Every file under the folder ending like the pattern's extension; the exclude skips node_modules. */
  async findFiles(pattern: RelativePattern): Promise<Uri[]> {
    const base = 'uri' in pattern.base ? pattern.base.uri : pattern.base;
    const ext = pattern.pattern.replace(/^.*\*/, '');
    const out: string[] = [];
    walk(base.fsPath, out);
    return out.filter((p) => p.endsWith(ext) && !p.split(path.sep).includes('node_modules')).map((p) => Uri.file(p));
  },
  fs: {
    async readFile(uri: Uri): Promise<Uint8Array> {
      return readFileSync(uri.fsPath);
    },
  },
  createFileSystemWatcher(pattern: string) {
    const w = { pattern, create: new EventEmitter<Uri>(), change: new EventEmitter<Uri>(), delete: new EventEmitter<Uri>() };
    watchers.push(w);
    return { onDidCreate: w.create.event, onDidChange: w.change.event, onDidDelete: w.delete.event, dispose() {} };
  },
  getConfiguration(section: string) {
    return { get: (key: string) => settings.get(`${section}.${key}`) };
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

export const shownMessages: string[] = [];
export const window = {
  activeTextEditor: undefined as { document: FakeDocument } | undefined,
  async showWarningMessage(text: string): Promise<string | undefined> {
    shownMessages.push(text);
    return undefined;
  },
  async showInformationMessage(text: string): Promise<string | undefined> {
    shownMessages.push(text);
    return undefined;
  },
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
