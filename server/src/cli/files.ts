// Expands the paths given on the command line into the `.agentgraph` files to check: files are
// taken as they are, folders are searched recursively (skipping node_modules and dot-folders such
// as .git), and the result is de-duplicated and sorted so output is the same on every machine.
// A folder may hold an `.agentgraphignore` file: one folder or file name (relative to that folder)
// per line, `#` comments; those are skipped when a parent folder is expanded, but a path named on
// the command line is always checked. examples/ uses it so `check examples` covers the real
// architectures while `check examples/broken` still shows every deliberate mistake.

import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';

export const SPEC_EXTENSION = '.agentgraph';

export interface Expansion {
  /** Absolute paths of the spec files found, sorted and unique. */
  files: string[];
  /** One message per argument that could not be used (missing path, not a spec). */
  errors: string[];
  /** Folders that held no spec at all, as given on the command line. */
  emptyFolders: string[];
}

function isSkippedFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Resolves each argument against `cwd` and collects the spec files it names. */
export function expandPaths(args: readonly string[], cwd: string): Expansion {
  const found = new Set<string>();
  const errors: string[] = [];
  const emptyFolders: string[] = [];
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      errors.push(`${arg}: no such file or directory`);
      continue;
    }
    if (stat.isDirectory()) {
      const before = found.size;
      const inFolder: string[] = [];
      walk(abs, inFolder, new Set());
      for (const f of inFolder) found.add(f);
      if (inFolder.length === 0 && found.size === before) emptyFolders.push(arg);
    } else if (abs.endsWith(SPEC_EXTENSION)) {
      found.add(abs);
    } else {
      errors.push(`${arg}: not an ${SPEC_EXTENSION} file`);
    }
  }
  return { files: [...found].sort(compare), errors, emptyFolders };
}

/** Depth-first search; `seen` holds real paths of visited folders so symlink loops end. */
function walk(dir: string, out: string[], seen: Set<string>): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // An unreadable folder holds nothing we can check.
  }
  entries.sort((a, b) => compare(a.name, b.name));
  const ignored = ignoredNames(dir);
  for (const e of entries) {
    if (ignored.has(e.name)) continue;
    const full = path.join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const s = statSync(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch {
        continue; // A dangling link.
      }
    }
    if (isDir) {
      if (!isSkippedFolder(e.name)) walk(full, out, seen);
    } else if (isFile && e.name.endsWith(SPEC_EXTENSION)) {
      out.push(full);
    }
  }
}

export const IGNORE_FILE = '.agentgraphignore';

/** Names listed in a folder's `.agentgraphignore` (trailing slashes and comments removed). */
function ignoredNames(dir: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path.join(dir, IGNORE_FILE), 'utf8');
  } catch {
    return new Set();
  }
  return new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*$/, '').trim().replace(/^\.\//, '').replace(/\/+$/, ''))
      .filter(Boolean),
  );
}
