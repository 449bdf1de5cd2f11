// A Host that reads specs from disk, for the command line. This is the only place where the CLI's
// use of the language core touches the file system. A CLI run is a snapshot: files do not change
// while one command runs, so every read is cached (a spec imported by many files is read once).

import { readFileSync } from 'node:fs';
import type { Host } from '../semantics/program.ts';

export class NodeHost implements Host {
  private readonly cache = new Map<string, string | undefined>();

  readFile(absPath: string): string | undefined {
    if (this.cache.has(absPath)) return this.cache.get(absPath);
    let text: string | undefined;
    try {
      text = readFileSync(absPath, 'utf8');
      // Editors drop a byte-order mark from the text they hand the language server; do the same
      // so positions agree between the CLI and the editor.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } catch {
      // Missing, a directory, or unreadable: the core reports it as a missing file.
      text = undefined;
    }
    this.cache.set(absPath, text);
    return text;
  }
}
