// The value types of the stand-in `vscode` module (./vscode-stub.ts): events, disposables,
// cancellation, URIs, positions and ranges, patterns, Markdown strings and the enums client code
// reads. Kept apart so the Testing API half (./vscode-stub-testing.ts) can build on them without
// importing the module that re-exports it.

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
  One = 1,
}
