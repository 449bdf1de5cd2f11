// A small stand-in for the `vscode` module, enough for the trace viewer's host code: events, URIs,
// ranges, webview panels whose webviews record what they are sent (and can be made to send
// messages), text documents that record where they were shown, the clipboard, and a file system
// over the real disk. `./vscode-register.ts` makes `import 'vscode'` resolve here.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';

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

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return Uri.file(path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return `file://${this.fsPath}`;
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

export class RelativePattern {
  constructor(
    readonly base: Uri,
    readonly pattern: string,
  ) {}
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

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

/** What the tests inspect. */
export const recorded = {
  panels: [] as FakePanel[],
  shown: [] as { file: string; options: { selection: Range; viewColumn: ViewColumn; preserveFocus: boolean } }[],
  clipboard: [] as string[],
  warnings: [] as string[],
  workspaceFolders: [] as { uri: Uri }[],
  reset(): void {
    this.panels.length = 0;
    this.shown.length = 0;
    this.clipboard.length = 0;
    this.warnings.length = 0;
  },
};

export const window = {
  createWebviewPanel(viewType: string, title: string): FakePanel {
    const p = new FakePanel(viewType, title);
    recorded.panels.push(p);
    return p;
  },
  showTextDocument(doc: { uri: Uri }, options: (typeof recorded.shown)[number]['options']) {
    recorded.shown.push({ file: doc.uri.fsPath, options });
    return Promise.resolve({});
  },
  showWarningMessage(m: string) {
    recorded.warnings.push(m);
    return Promise.resolve(undefined);
  },
  showInformationMessage: () => Promise.resolve(undefined),
  setStatusBarMessage: () => new Disposable(),
};

export const workspace = {
  get workspaceFolders() {
    return recorded.workspaceFolders;
  },
  getWorkspaceFolder(u: Uri) {
    return recorded.workspaceFolders.find((f) => u.fsPath.startsWith(f.uri.fsPath + path.sep));
  },
  openTextDocument(u: Uri) {
    return Promise.resolve({ uri: u });
  },
  fs: {
    readFile: (u: Uri) => Promise.resolve(new Uint8Array(readFileSync(u.fsPath))),
  },
  createFileSystemWatcher() {
    return { onDidChange: () => new Disposable(), dispose: () => undefined };
  },
};

export const env = {
  clipboard: {
    writeText(t: string) {
      recorded.clipboard.push(t);
      return Promise.resolve();
    },
  },
};
