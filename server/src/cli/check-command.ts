// `agentgraph check`: analyses every spec found in the given files and folders and prints the
// diagnostics, as text for people or JSON for tools. The exit code says whether any is an error,
// so the command can gate CI.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile, type Analysis } from '../semantics/analyze.ts';
import { Program } from '../semantics/program.ts';
import { expandPaths } from './files.ts';
import { countSeverities, formatJson, formatSummary, formatText, Locator, sortDiagnostics, useColor, type LocatedDiagnostic } from './format.ts';
import type { Command, CommandContext } from './main.ts';
import { NodeHost } from './node-host.ts';

const HELP = `Usage: agentgraph check [files or folders…] [--format text|json] [--root DIR]

Checks .agentgraph specs and prints their diagnostics. Folders are searched recursively, skipping
node_modules and dot-folders; with no paths the workspace root is checked.

Options:
  --format text|json  text (default): one \`path:line:col: severity CODE: message\` line per
                      diagnostic and a summary. json: an array of
                      { file, range: { start, end }, severity, code, message } with 0-based
                      line/character positions, as the Language Server Protocol counts them.
  --root DIR          The workspace root (default: the current directory). Imports, prompt files
                      and tool implementations may not leave it; every spec checked must be in it.
  -h, --help          Show this help.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
`;

/** Resolves `--root`; a usage error (exit code) when it is not a directory. */
export function resolveRoot(ctx: CommandContext, root: string | undefined): string | number {
  const abs = path.resolve(ctx.cwd, root ?? '.');
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  return isDir ? abs : ctx.usageError(`--root ${root ?? '.'}: no such directory`);
}

/** Relative to the current directory when it lies below it; absolute otherwise. */
function shortPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/** Files given that lie outside the workspace root, as usage-error messages. */
export function outsideRoot(files: readonly string[], root: string, ctx: CommandContext): string[] {
  const out: string[] = [];
  for (const f of files) {
    const rel = path.relative(root, f);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      out.push(`${path.relative(ctx.cwd, f) || f} is outside the workspace root ${shortPath(ctx.cwd, root)}; pass --root with a folder that contains it`);
    }
  }
  return out;
}

export interface CheckResult {
  analyses: Map<string, Analysis>;
  /** Files that could not be read after all (deleted meanwhile, or unreadable). */
  unreadable: string[];
  diagnostics: LocatedDiagnostic[];
}

/** Analyses the files with one Program (so shared imports are parsed once). */
export function checkFiles(files: readonly string[], root: string, cwd: string): CheckResult {
  const host = new NodeHost();
  const program = new Program(host, root);
  const locator = new Locator(cwd, (p) => host.readFile(p));
  const analyses = new Map<string, Analysis>();
  const unreadable: string[] = [];
  const located: LocatedDiagnostic[] = [];
  for (const file of files) {
    const analysis = analyzeFile(program, file);
    if (!analysis) {
      unreadable.push(file);
      continue;
    }
    analyses.set(file, analysis);
    for (const d of analysis.diagnostics) located.push(locator.locate(d, file));
  }
  return { analyses, unreadable, diagnostics: sortDiagnostics(located) };
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check specs (files or folders) and print their diagnostics',
  help: HELP,
  run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        format: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') return ctx.usageError(`--format must be 'text' or 'json', not '${format}'`);
    const root = resolveRoot(ctx, values.root);
    if (typeof root === 'number') return root;

    const targets = positionals.length ? positionals : [path.relative(ctx.cwd, root) || '.'];
    const { files, errors, emptyFolders } = expandPaths(targets, ctx.cwd);
    errors.push(...outsideRoot(files, root, ctx));
    if (errors.length) {
      for (const e of errors.slice(0, -1)) ctx.stderr.write(`agentgraph check: ${e}\n`);
      return ctx.usageError(errors[errors.length - 1]!);
    }
    for (const f of emptyFolders) ctx.stderr.write(`agentgraph check: no .agentgraph files in ${f}\n`);

    const result = checkFiles(files, root, ctx.cwd);
    for (const f of result.unreadable) ctx.stderr.write(`agentgraph check: cannot read ${path.relative(ctx.cwd, f) || f}\n`);
    const counts = countSeverities(result.diagnostics);
    if (format === 'json') {
      ctx.stdout.write(formatJson(result.diagnostics));
    } else {
      const color = useColor(ctx.stdout, ctx.env);
      ctx.stdout.write(formatText(result.diagnostics, color));
      ctx.stdout.write(formatSummary(files.length, result.diagnostics, color));
    }
    return counts.error > 0 || result.unreadable.length > 0 ? 1 : 0;
  },
};
