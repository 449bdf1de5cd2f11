// The contract between the language server's infrastructure (documents, analysis scheduling) and
// its feature handlers (completion, hover, code actions, …), so both can be written and tested
// apart. Everything here is in the core's terms (absolute paths, UTF-16 offsets); handlers convert
// to protocol types at the edge.

import type { Analysis } from '../semantics/analyze.ts';
import type { Program } from '../semantics/program.ts';
import type { LineIndex } from '../util/line-index.ts';

export interface OpenDocument {
  uri: string;
  /** Absolute file system path. */
  path: string;
  version: number;
  text: string;
  lines: LineIndex;
}

export interface LanguageWorkspace {
  /** The program over open buffers and the disk. */
  readonly program: Program;
  /** The workspace root (imports may not leave it). */
  readonly root: string;
  uriToPath(uri: string): string;
  pathToUri(path: string): string;
  /** An open document, or a file read from disk wrapped as one (for cross-file edits). */
  getDocument(uri: string): OpenDocument | undefined;
  /** The current analysis of a document (cached per document version). */
  getAnalysis(uri: string): Analysis | undefined;
  /** Every `.agentgraph` file known in the workspace (open or on disk). */
  allSpecPaths(): string[];
  /** Client commands the lenses may invoke (advertised by the client in initializationOptions). */
  readonly clientCommands: ReadonlySet<string>;
  /** Logs to the client's output channel. */
  log(message: string): void;
}
