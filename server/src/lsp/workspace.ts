// The language server's view of the files: open documents (the editor's buffers, which win) laid
// over the disk, one Program over both, and a cache of analyses. An analysis stays valid while
// every file it read (the spec, its imports, prompt files, datasets) still reads the same; the
// cache records those reads, so an edit to `models.agentgraph` invalidates exactly the analyses
// of the files that import it, and tells the diagnostics scheduler whom to re-check.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { analyzeFile, type Analysis } from '../semantics/analyze.ts';
import { Program, type Host } from '../semantics/program.ts';
import { LineIndex } from '../util/line-index.ts';
import { fromRange } from './convert.ts';
import type { LanguageWorkspace, OpenDocument } from './workspace-api.ts';

/** Disk access, injectable so tests can run on an in-memory file system. */
export interface FileSystem {
  /** The file's text, or undefined when it is missing or unreadable. */
  readFile(absPath: string): string | undefined;
  /** Every `.agentgraph` file under `dir`, recursively (skipping dependencies and build output). */
  findSpecFiles(dir: string): string[];
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', 'build', 'coverage']);
const MAX_SCANNED_ENTRIES = 50_000;

export const nodeFileSystem: FileSystem = {
  readFile(absPath) {
    try {
      const text = readFileSync(absPath, 'utf8');
      // Editors drop a byte-order mark from the text they hand the server; do the same.
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  },
  findSpecFiles(dir) {
    const out: string[] = [];
    const stack = [dir];
    let seen = 0;
    while (stack.length > 0 && seen < MAX_SCANNED_ENTRIES) {
      const d = stack.pop()!;
      let entries;
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        seen++;
        if (e.name.startsWith('.')) continue;
        const full = path.join(d, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) stack.push(full);
        } else if (e.name.endsWith('.agentgraph')) out.push(full);
      }
    }
    return out.sort();
  },
};

/** What a file-watcher event did to a file. */
export type FileEvent = 'created' | 'changed' | 'deleted';

export interface WorkspaceOptions {
  /** Workspace folders (absolute paths); the first, or their common ancestor, is the root. */
  folders: string[];
  fs?: FileSystem;
  clientCommands?: Iterable<string>;
  log?(message: string): void;
}

/** An analysis (or the exception that prevented one) and the file reads it depended on. */
export interface AnalysisResult {
  path: string;
  analysis?: Analysis;
  /** analyzeFile itself threw (the core normally turns checker bugs into AG9001 diagnostics). */
  error?: Error;
  /** Text of the file when analysed. */
  text: string | undefined;
  /** Every path read during the analysis, with what it read. */
  reads: Map<string, string | undefined>;
}

/** Version reported for a document read from disk rather than open in the editor. */
export const DISK_VERSION = -1;
const MAX_CACHED_CLOSED = 400;

export class Workspace implements LanguageWorkspace {
  readonly program: Program;
  readonly root: string;
  readonly clientCommands: ReadonlySet<string>;
  private readonly fs: FileSystem;
  private readonly logger: (message: string) => void;
  private folders: string[];
  /** Open documents by absolute path. */
  private readonly docs = new Map<string, OpenDocument>();
  /** URIs of non-file documents (untitled buffers) by their synthetic path. */
  private readonly syntheticUris = new Map<string, string>();
  private readonly disk = new Map<string, string | undefined>();
  private readonly diskLines = new Map<string, { text: string; lines: LineIndex }>();
  private readonly cache = new Map<string, AnalysisResult>();
  private recording: Map<string, string | undefined> | undefined;
  private specFiles: string[] | undefined;
  private specScanAt = 0;
  /** Files whose diagnostics are published although they are not open (workspace diagnostics). */
  readonly pinned = new Set<string>();
  /** True once the client watches files for us; without it the folder scan expires. */
  watching = false;

  constructor(options: WorkspaceOptions) {
    this.fs = options.fs ?? nodeFileSystem;
    this.logger = options.log ?? (() => {});
    this.folders = options.folders.map((f) => path.resolve(f));
    this.root = commonRoot(this.folders);
    this.clientCommands = new Set(options.clientCommands ?? []);
    const host: Host = {
      readFile: (p) => {
        const v = this.read(p);
        this.recording?.set(p, v);
        return v;
      },
    };
    this.program = new Program(host, this.root);
  }

  log(message: string): void {
    this.logger(message);
  }

  // ------------------------------------------------------------------ paths and URIs

  uriToPath(uri: string): string {
    const fsPath = fileUriToPath(uri);
    if (fsPath !== undefined) return fsPath;
    // untitled:Untitled-1 and other schemes: a stable path inside the root, so relative imports
    // resolve against the workspace.
    const p = path.join(this.root, `.${uri.replace(/[^A-Za-z0-9._-]+/g, '_')}.agentgraph`);
    this.syntheticUris.set(p, uri);
    return p;
  }

  pathToUri(p: string): string {
    const doc = this.docs.get(p);
    if (doc) return doc.uri;
    const synthetic = this.syntheticUris.get(p);
    if (synthetic) return synthetic;
    return pathToFileURL(p).href;
  }

  // ------------------------------------------------------------------ documents

  /** The text the program sees: the open buffer, else the disk. */
  private read(p: string): string | undefined {
    const doc = this.docs.get(p);
    if (doc) return doc.text;
    if (this.disk.has(p)) return this.disk.get(p);
    const text = this.syntheticUris.has(p) ? undefined : this.fs.readFile(p);
    this.disk.set(p, text);
    return text;
  }

  open(uri: string, version: number, text: string): OpenDocument {
    const p = this.uriToPath(uri);
    const doc: OpenDocument = { uri, path: p, version, text, lines: new LineIndex(text) };
    this.docs.set(p, doc);
    return doc;
  }

  /** Applies the editor's changes (incremental ranges or whole text) in order. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const p = this.uriToPath(uri);
    const old = this.docs.get(p);
    if (!old) return undefined;
    let text = old.text;
    let lines = old.lines;
    for (const c of changes) {
      if ('range' in c && c.range) {
        const { start, end } = fromRange(lines, text, c.range);
        text = text.slice(0, start) + c.text + text.slice(end);
      } else {
        text = c.text;
      }
      lines = new LineIndex(text);
    }
    const doc: OpenDocument = { uri: old.uri, path: p, version, text, lines };
    this.docs.set(p, doc);
    return doc;
  }

  close(uri: string): void {
    const p = this.uriToPath(uri);
    this.docs.delete(p);
    // The buffer may have been saved (or discarded): read the disk afresh.
    this.disk.delete(p);
    this.syntheticUris.delete(p);
  }

  isOpen(uri: string): boolean {
    return this.docs.has(this.uriToPath(uri));
  }

  isOpenPath(p: string): boolean {
    return this.docs.has(p);
  }

  openDocuments(): OpenDocument[] {
    return [...this.docs.values()];
  }

  getDocument(uri: string): OpenDocument | undefined {
    return this.documentAt(this.uriToPath(uri));
  }

  /** The document at a path: the open one, or the file on disk wrapped as one (version -1). */
  documentAt(p: string): OpenDocument | undefined {
    const doc = this.docs.get(p);
    if (doc) return doc;
    const text = this.read(p);
    if (text === undefined) return undefined;
    return { uri: this.pathToUri(p), path: p, version: DISK_VERSION, text, lines: this.linesOfText(p, text) };
  }

  /** Line index of any readable file (open or on disk). */
  linesOf(p: string): LineIndex | undefined {
    const doc = this.docs.get(p);
    if (doc) return doc.lines;
    const text = this.read(p);
    return text === undefined ? undefined : this.linesOfText(p, text);
  }

  private linesOfText(p: string, text: string): LineIndex {
    const cached = this.diskLines.get(p);
    if (cached && cached.text === text) return cached.lines;
    const lines = new LineIndex(text);
    this.diskLines.set(p, { text, lines });
    return lines;
  }

  // ------------------------------------------------------------------ files on disk

  /** A file-watcher event: forget what the disk said. */
  fileChanged(p: string, event: FileEvent): void {
    this.disk.delete(p);
    this.diskLines.delete(p);
    if (event !== 'changed' && p.endsWith('.agentgraph')) this.specFiles = undefined;
    if (event === 'deleted' && !this.docs.has(p)) this.cache.delete(p);
  }

  setFolders(folders: string[]): void {
    this.folders = folders.map((f) => path.resolve(f));
    this.specFiles = undefined;
  }

  allSpecPaths(): string[] {
    const fresh = this.watching || Date.now() - this.specScanAt < 10_000;
    if (!this.specFiles || !fresh) {
      const found = new Set<string>();
      for (const f of this.folders) for (const p of this.fs.findSpecFiles(f)) found.add(p);
      this.specFiles = [...found];
      this.specScanAt = Date.now();
    }
    const all = new Set(this.specFiles);
    for (const p of this.docs.keys()) if (p.endsWith('.agentgraph')) all.add(p);
    return [...all].sort();
  }

  // ------------------------------------------------------------------ analyses

  getAnalysis(uri: string): Analysis | undefined {
    return this.analyze(this.uriToPath(uri)).analysis;
  }

  /** The analysis of a file, from the cache while everything it read still reads the same. */
  analyze(p: string): AnalysisResult {
    const cached = this.cache.get(p);
    // A failed analysis is retried every time: what made it fail may not be in its reads.
    if (cached && !cached.error && this.stillValid(cached)) return cached;
    const reads = new Map<string, string | undefined>();
    const result: AnalysisResult = { path: p, reads, text: undefined };
    this.recording = reads;
    try {
      result.text = this.program.host.readFile(p);
      result.analysis = analyzeFile(this.program, p);
    } catch (err) {
      result.error = err instanceof Error ? err : new Error(String(err));
      this.log(`Analysis of ${p} failed: ${result.error.stack ?? result.error.message}`);
    } finally {
      this.recording = undefined;
    }
    this.cache.delete(p); // Re-insert at the end: the map's order is recency.
    this.cache.set(p, result);
    this.evict();
    return result;
  }

  /** The cached analysis even if stale (for reverse-dependency questions). */
  lastAnalysis(p: string): AnalysisResult | undefined {
    return this.cache.get(p);
  }

  private stillValid(r: AnalysisResult): boolean {
    for (const [p, text] of r.reads) if (this.read(p) !== text) return false;
    return true;
  }

  private evict(): void {
    if (this.cache.size <= MAX_CACHED_CLOSED + this.docs.size) return;
    for (const p of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED_CLOSED / 2 + this.docs.size) break;
      if (!this.docs.has(p) && !this.pinned.has(p)) this.cache.delete(p);
    }
  }

  /**
   * Files whose last analysis read `p` (so they import it, directly or not, or use it as a prompt
   * or dataset), other than `p` itself.
   */
  dependentsOf(p: string): string[] {
    const out: string[] = [];
    for (const r of this.cache.values()) if (r.path !== p && r.reads.has(p)) out.push(r.path);
    return out;
  }

  /**
   * Spec files that can see declarations of `p`: `p` itself and every workspace spec whose
   * imports reach it. Parses (cached) but does not analyse.
   */
  filesSeeing(p: string): string[] {
    const out = new Set<string>([p]);
    for (const f of this.allSpecPaths()) {
      if (out.has(f)) continue;
      const { units } = this.program.closure(f);
      if (units.some((u) => u.path === p)) out.add(f);
    }
    return [...out];
  }
}

/** The file system path of a `file:` URI; undefined for other schemes. */
export function fileUriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/** The deepest directory containing every folder (the file system root when there is none). */
function commonRoot(folders: string[]): string {
  const first = folders[0];
  if (first === undefined) return path.parse(process.cwd()).root;
  let root = first;
  for (const f of folders.slice(1)) {
    while (!isInside(root, f)) {
      const up = path.dirname(root);
      if (up === root) return root;
      root = up;
    }
  }
  return root;
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
