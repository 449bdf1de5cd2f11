// Pushes diagnostics to the client. Edits are debounced per file (150 ms by default, configurable,
// 0 for benchmarks); when the timer fires, the file is analysed at its current version and the
// result is published with that version. An analysis that finishes after a newer edit arrived is
// dropped (the newer edit has its own timer). Editing a file also re-checks every open (or
// pinned, with workspace diagnostics on) file that reads it, directly or through other imports.

import type { Connection, PublishDiagnosticsParams, Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { LineIndex } from '../util/line-index.ts';
import { toLspDiagnostic } from './convert.ts';
import { describe } from './safety.ts';
import { DISK_VERSION, type AnalysisResult, type Workspace } from './workspace.ts';

export interface DiagnosticsOptions {
  /** Milliseconds to wait after the last edit before checking (default 150). */
  delay: number;
  /** Base URL of the diagnostics reference (see convert.docsHref). */
  docsBaseUrl?: string;
  /**
   * Called after files were re-checked because something they import changed (their semantic
   * tokens and inlay hints may have changed without an edit of their own).
   */
  onDependentsChanged?(): void;
}

export const DEFAULT_DIAGNOSTICS_DELAY = 150;

export class DiagnosticsScheduler {
  private readonly timers = new Map<string, { cancel(): void }>();
  /** Files waiting to be checked, with the version (or DISK_VERSION) they were scheduled at. */
  private readonly pending = new Set<string>();
  /** Files we have published non-empty diagnostics for (so closing can clear them). */
  private readonly published = new Set<string>();
  /** Files scheduled because an import changed (not an edit of their own). */
  private readonly dependents = new Set<string>();
  private disposed = false;

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly options: DiagnosticsOptions,
  ) {}

  /** A document was opened or edited: check it and the files that depend on it, after the delay. */
  changed(path: string): void {
    this.schedule(path);
    this.scheduleDependents(path);
  }

  /** A file on disk changed (watcher): re-check the tracked files that read it. */
  diskChanged(path: string): void {
    this.scheduleDependents(path);
    if (this.workspace.pinned.has(path)) this.schedule(path);
  }

  /** A file was deleted on disk: clear what was published for it (unless it is open). */
  deleted(path: string): void {
    if (this.workspace.isOpenPath(path)) return;
    this.cancel(path);
    if (this.published.delete(path)) void this.send({ uri: this.workspace.pathToUri(path), diagnostics: [] });
  }

  private scheduleDependents(path: string): void {
    for (const dep of this.workspace.dependentsOf(path)) {
      if (!this.isTracked(dep)) continue;
      this.dependents.add(dep);
      this.schedule(dep);
    }
  }

  /** A document was closed: clear its diagnostics unless workspace diagnostics keep it. */
  closed(path: string, uri: string): void {
    this.cancel(path);
    if (this.workspace.pinned.has(path)) {
      this.schedule(path);
      return;
    }
    if (this.published.delete(path)) void this.send({ uri, diagnostics: [] });
    // Files that imported the closed buffer now see the disk version.
    this.scheduleDependents(path);
  }

  /** Checks a set of files now (workspace diagnostics at start-up). */
  checkAll(paths: string[]): void {
    for (const p of paths) this.schedule(p, 0);
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.pending.clear();
  }

  private isTracked(p: string): boolean {
    return this.workspace.isOpenPath(p) || this.workspace.pinned.has(p);
  }

  private cancel(p: string): void {
    this.timers.get(p)?.cancel();
    this.timers.delete(p);
    this.pending.delete(p);
  }

  private schedule(p: string, delay = this.options.delay): void {
    if (this.disposed) return;
    this.timers.get(p)?.cancel();
    this.pending.add(p);
    const run = () => {
      this.timers.delete(p);
      if (!this.pending.delete(p)) return;
      this.run(p);
    };
    // With no delay, still yield once so a burst of queued edits collapses into one check.
    if (delay > 0) {
      const t = setTimeout(run, delay);
      this.timers.set(p, { cancel: () => clearTimeout(t) });
    } else {
      const t = setImmediate(run);
      this.timers.set(p, { cancel: () => clearImmediate(t) });
    }
  }

  private run(p: string): void {
    if (!this.isTracked(p)) return; // Closed meanwhile.
    const doc = this.workspace.documentAt(p);
    if (!doc) {
      if (this.published.delete(p)) void this.send({ uri: this.workspace.pathToUri(p), diagnostics: [] });
      return;
    }
    const version = doc.version;
    let diagnostics: LspDiagnostic[];
    try {
      const result = this.workspace.analyze(p);
      // A newer edit arrived while we were busy: its own check will publish.
      const now = this.workspace.documentAt(p);
      if (!now || now.version !== version || now.text !== doc.text) return;
      diagnostics = this.convert(result, doc.lines);
    } catch (err) {
      this.workspace.log(`[error] diagnostics for ${p} failed: ${describe(err)}`);
      diagnostics = this.convert({ path: p, reads: new Map(), text: doc.text, error: err as Error }, doc.lines);
    }
    if (diagnostics.length > 0) this.published.add(p);
    else this.published.delete(p);
    const params: PublishDiagnosticsParams = { uri: doc.uri, diagnostics };
    if (version !== DISK_VERSION) params.version = version;
    void this.send(params);
    if (this.dependents.delete(p) && this.workspace.isOpenPath(p)) this.options.onDependentsChanged?.();
  }

  private convert(result: AnalysisResult, lines: LineIndex): LspDiagnostic[] {
    let core: Diagnostic[];
    if (result.analysis) core = result.analysis.diagnostics;
    else {
      const message = result.error
        ? `Internal error while checking this file: ${result.error.message}. Please report this with the spec.`
        : 'Internal error: this file could not be analysed. Please report this with the spec.';
      core = [{ code: 'AG9001', severity: 'error', message, start: 0, end: 0, file: result.path, data: { stack: result.error?.stack } }];
    }
    const out: LspDiagnostic[] = [];
    for (const d of core) {
      if (d.file !== undefined && d.file !== result.path) continue; // Never report an import's problems here.
      out.push(
        toLspDiagnostic(d, {
          lines,
          docsBaseUrl: this.options.docsBaseUrl,
          uriOf: (f) => this.workspace.pathToUri(f),
          linesOf: (f) => this.workspace.linesOf(f),
        }),
      );
    }
    return out;
  }

  private async send(params: PublishDiagnosticsParams): Promise<void> {
    try {
      await this.connection.sendDiagnostics(params);
    } catch (err) {
      this.workspace.log(`[error] publishing diagnostics failed: ${describe(err)}`);
    }
  }
}
