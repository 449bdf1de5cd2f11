// Which spec files the Test Explorer discovers in a workspace folder: the same ones
// `agentgraph eval <folder>` would run (server/src/cli/files.ts). Folders named node_modules or
// starting with a dot are skipped, and a folder's `.agentgraphignore` lists names (one a line, `#`
// comments, trailing slashes ignored) of files and folders inside it that are skipped. Pure over an
// injected reader, so it is tested without an editor.

import * as path from 'node:path';

export const IGNORE_FILE = '.agentgraphignore';

/** Parses an `.agentgraphignore` file the way the CLI does. */
export function parseIgnoreFile(text: string): Set<string> {
  return new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*$/, '').trim().replace(/^\.\//, '').replace(/\/+$/, ''))
      .filter(Boolean),
  );
}

/**
 * Whether `file` (absolute) is left out of a walk from `root`: some folder on the way is skipped,
 * or some folder's ignore file names the next step. `readIgnore(dir)` returns the text of `dir`'s
 * ignore file, or undefined when it has none; answers are cached in `cache` across calls.
 */
export function isIgnored(file: string, root: string, readIgnore: (dir: string) => string | undefined, cache = new Map<string, Set<string>>()): boolean {
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return true;
  const steps = rel.split(path.sep);
  let dir = root;
  for (let i = 0; i < steps.length; i++) {
    const name = steps[i]!;
    const isFolder = i < steps.length - 1;
    if (isFolder && (name === 'node_modules' || name.startsWith('.'))) return true;
    let names = cache.get(dir);
    if (!names) {
      const text = readIgnore(dir);
      names = text === undefined ? new Set() : parseIgnoreFile(text);
      cache.set(dir, names);
    }
    if (names.has(name)) return true;
    dir = path.join(dir, name);
  }
  return false;
}

/** Whether a spec's text declares an eval (a cheap test before asking the server for details). */
export function declaresEval(text: string): boolean {
  return /(^|\n)\s*eval\s+[A-Za-z_][A-Za-z0-9_]*\s+for\b/.test(text);
}
