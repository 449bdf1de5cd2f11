// The Testing API of the stand-in `vscode` module (./vscode-stub.ts): a controller whose items,
// run profiles and runs record what client code tells them, so a test can read the states and
// messages a run reported and press the Test Results view's stop button.

import { CancellationTokenSource, Location, MarkdownString, Range, Uri } from './vscode-stub-base.ts';

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
