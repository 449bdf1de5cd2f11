// The `agentgraph` command line. `main(argv, io)` dispatches to a subcommand through a table and
// returns the exit code; it never throws. Streams, the current directory and the environment are
// injected so tests can run it in-process. When this module is the program (run with tsx, or
// bundled to dist/cli.js and loaded by bin/agentgraph.js) it runs on process.argv.
//
// Exit codes: 0 success, 1 the input has errors, 2 usage error, 70 internal error (EX_SOFTWARE).

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkCommand } from './check-command.ts';
import { irCommand } from './ir-command.ts';
import { runCommand } from './run-command.ts';
import { exportTraceCommand } from './export-trace-command.ts';
import { diagramCommand } from './diagram-command.ts';
import { evalCommand } from './eval-command.ts';
import { useBundledTypeScriptHooks } from '../tsloader/register.ts';

export const EXIT_OK = 0;
export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  /** Paths on the command line are relative to this directory. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** What a subcommand gets: the streams plus a way to report a usage error. */
export interface CommandContext extends CliIO {
  /** Prints `agentgraph <cmd>: <message>` and a pointer to `--help` on stderr; returns 2. */
  usageError(message: string): number;
}

export interface Command {
  name: string;
  /** One line for the command list in `agentgraph --help`. */
  summary: string;
  /** The full text of `agentgraph <name> --help`. */
  help: string;
  /** Parses its own arguments with node:util parseArgs (strict); parse errors become exit 2. */
  run(args: string[], ctx: CommandContext): number | Promise<number>;
}

/**
 * The subcommands. Later features register theirs here; names listed in PLANNED but not yet
 * implemented get a clear message instead of "unknown command".
 */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  [checkCommand.name, checkCommand],
  [irCommand.name, irCommand],
  [runCommand.name, runCommand],
  [exportTraceCommand.name, exportTraceCommand],
  [diagramCommand.name, diagramCommand],
  [evalCommand.name, evalCommand],
]);
const PLANNED = ['run', 'eval', 'diagram', 'export', 'export-trace'];

function globalHelp(): string {
  const width = Math.max(...[...COMMANDS.keys()].map((n) => n.length));
  const list = [...COMMANDS.values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `agentgraph ${readVersion()}: design, check and run multi-agent LLM systems described in .agentgraph specs.

Usage: agentgraph <command> [options]

Commands:
${list}

Options:
  -h, --help     Show this help; \`agentgraph <command> --help\` shows a command's options
  -v, --version  Print the version

Exit codes: 0 success, 1 the specs have errors, 2 usage error, 70 internal error.
`;
}

/** The version in the package.json next to the bundle (dist/cli.js → ../package.json). */
export function readVersion(): string {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  // From dist/ the first step finds it; from server/src/cli (tsx) a few more are needed.
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'agentgraph' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not here (or unreadable): keep looking upwards.
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return 'unknown';
}

function isParseArgsError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs messages go on with advice about `--`; the first sentence is the useful part. */
function firstSentence(message: string): string {
  const s = message.split(/\.(?:\s|$)/)[0] ?? message;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function makeContext(io: CliIO, command: string | undefined): CommandContext {
  return {
    ...io,
    usageError(message: string): number {
      const who = command ? `agentgraph ${command}` : 'agentgraph';
      io.stderr.write(`${who}: ${message}\nRun '${who} --help' for usage.\n`);
      return EXIT_USAGE;
    },
  };
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  // Global options come before the subcommand; everything after it belongs to the subcommand.
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  const cmdIndex = first?.kind === 'option-terminator' ? first.index + 1 : first?.index;
  const global = makeContext(io, undefined);
  for (const t of tokens) {
    if (first && t.index >= first.index) break;
    if (t.kind === 'option' && t.name !== 'help' && t.name !== 'version') return global.usageError(`unknown option '${t.rawName}'`);
  }
  const name = cmdIndex === undefined ? undefined : argv[cmdIndex];
  if (name === undefined) {
    if (values.version) {
      io.stdout.write(`${readVersion()}\n`);
      return EXIT_OK;
    }
    if (values.help) {
      io.stdout.write(globalHelp());
      return EXIT_OK;
    }
    io.stderr.write(globalHelp());
    return EXIT_USAGE;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    if (PLANNED.includes(name)) return global.usageError(`'${name}' is not available in this version yet. Commands: ${[...COMMANDS.keys()].join(', ')}.`);
    return global.usageError(`unknown command '${name}'. Commands: ${[...COMMANDS.keys()].join(', ')}.`);
  }
  if (values.help) {
    io.stdout.write(command.help);
    return EXIT_OK;
  }
  const ctx = makeContext(io, name);
  try {
    return await command.run(argv.slice(cmdIndex! + 1), ctx);
  } catch (err) {
    if (isParseArgsError(err)) return ctx.usageError(firstSentence(err.message));
    throw err;
  }
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`internal error: ${message}\n`);
    if (io.env.AGENTGRAPH_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    else io.stderr.write('This is a bug in agentgraph; please report it with the spec that caused it (set AGENTGRAPH_DEBUG=1 for a stack trace).\n');
    return EXIT_INTERNAL;
  }
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

// Run when this module is the program: `node --import tsx server/src/cli/main.ts`, or the bundle
// dist/cli.js (which bin/agentgraph.js loads with require, so it is never require.main itself).
const isProgram = typeof require !== 'undefined' && (require.main === module || path.basename(__filename) === 'cli.js');
if (isProgram) {
  // TypeScript tools load through dist/ts-hooks.mjs next to this bundle (tsx when run from source).
  useBundledTypeScriptHooks(__dirname);
  // `agentgraph ir x | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  void main(process.argv.slice(2)).then((code) => {
    // exitCode rather than exit(): lets buffered output to a pipe drain first.
    process.exitCode = code;
  });
}
