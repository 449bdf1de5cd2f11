// The command line's way into a spec: `ir`, `diagram`, `run` and `eval` refuse a spec with errors
// before doing anything with it. They compile through the same `loadSpec` as the run host and the
// debugger (so a spec whose imports are broken is refused everywhere alike); this module adds what
// the CLI needs around it: argument and `--root` checks as usage errors, and diagnostics printed as
// `path:line:col: severity CODE: message` lines relative to the current directory.

import * as path from 'node:path';
import type { IR } from '../ir/schema.ts';
import { loadSpec } from '../runhost/load-spec.ts';
import { outsideRoot, resolveRoot } from './check-command.ts';
import { expandPaths } from './files.ts';
import { formatText, useColor, type LocatedDiagnostic } from './format.ts';
import type { CommandContext } from './main.ts';

/** How one command words and scores a spec it cannot use. */
export interface RefusalStyle {
  /** The command's name, for `agentgraph <command>: …` lines. */
  command: string;
  /** Usage error when the argument is not exactly one file, e.g. "is not a file; ir compiles one spec". */
  notAFile: string;
  /** What follows "<arg> has errors" on the refusal line. */
  refusal: string;
  /** Exit code when the spec cannot be read or has errors. */
  exitCode: number;
  /** Print warnings also when the spec has no errors (for commands whose stdout is the product). */
  showWarnings: boolean;
}

export interface LoadedSpec {
  ir: IR;
  root: string;
  /** The spec's absolute path. */
  file: string;
}

function printDiagnostics(ctx: CommandContext, diagnostics: readonly LocatedDiagnostic[]): void {
  ctx.stderr.write(formatText(diagnostics, useColor(ctx.stderr, ctx.env)));
}

/** Compiles the one spec `arg` names; prints why and returns an exit code when it cannot be used. */
export function loadCliSpec(ctx: CommandContext, arg: string, rootOpt: string | undefined, style: RefusalStyle): LoadedSpec | number {
  const root = resolveRoot(ctx, rootOpt);
  if (typeof root === 'number') return root;
  const { files, errors } = expandPaths([arg], ctx.cwd);
  if (errors[0]) return ctx.usageError(errors[0]);
  const file = files[0];
  if (files.length !== 1 || !file || file !== path.resolve(ctx.cwd, arg)) return ctx.usageError(`${arg} ${style.notAFile}`);
  const outside = outsideRoot(files, root, ctx);
  if (outside[0]) return ctx.usageError(outside[0]);

  const loaded = loadSpec(file, { root, cwd: ctx.cwd });
  if (!loaded.ok && loaded.unreadable) {
    ctx.stderr.write(`agentgraph ${style.command}: cannot read ${arg}\n`);
    return style.exitCode;
  }
  if (!loaded.ok || style.showWarnings) printDiagnostics(ctx, loaded.diagnostics);
  if (!loaded.ok) {
    ctx.stderr.write(`agentgraph ${style.command}: ${arg} has errors${style.refusal}\n`);
    return style.exitCode;
  }
  return { ir: loaded.ir, root, file };
}

/**
 * Compiles every spec in a file or folder for `eval`: a spec with errors is reported (its errors
 * only) and listed in `broken`, the others are compiled.
 */
export function loadCliSpecs(ctx: CommandContext, arg: string, root: string): { irs: IR[]; broken: string[] } | number {
  const { files, errors } = expandPaths([arg], ctx.cwd);
  if (errors[0]) return ctx.usageError(errors[0]);
  if (files.length === 0) return ctx.usageError(`no .agentgraph files in ${arg}`);
  const outside = outsideRoot(files, root, ctx);
  if (outside[0]) return ctx.usageError(outside[0]);
  const irs: IR[] = [];
  const broken: string[] = [];
  for (const f of files) {
    const loaded = loadSpec(f, { root, cwd: ctx.cwd });
    if (loaded.ok) {
      irs.push(loaded.ir);
      continue;
    }
    const rel = path.relative(ctx.cwd, f);
    const mine = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (mine.length) printDiagnostics(ctx, mine);
    ctx.stderr.write(`agentgraph eval: ${rel} has errors; its evals were not run (see \`agentgraph check\`).\n`);
    broken.push(rel);
  }
  return { irs, broken };
}
