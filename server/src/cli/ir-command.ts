// `agentgraph ir`: compiles one spec to the intermediate representation (IR) that the runtime,
// the views and external tools consume, and prints it as JSON. A spec with errors has no
// trustworthy IR, so then the diagnostics go to stderr and nothing is printed.

import { parseArgs } from 'node:util';
import { loadCliSpec } from './load.ts';
import type { Command } from './main.ts';

const HELP = `Usage: agentgraph ir <file.agentgraph> [--graph NAME] [--root DIR]

Prints the intermediate representation (IR) of a spec as JSON: every declaration it sees, with
resolved arguments, expression trees, JSON Schemas of its types and worst-case economics.

Options:
  --graph NAME  Keep only this graph in \`graphs\`.
  --root DIR    The workspace root (default: the current directory).
  -h, --help    Show this help.

Exit codes: 0 printed, 1 the spec has errors (they are printed to stderr), 2 usage error.
`;

export const irCommand: Command = {
  name: 'ir',
  summary: 'Print the intermediate representation (IR) of a spec as JSON',
  help: HELP,
  run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        graph: { type: 'string' },
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
    if (positionals.length !== 1) return ctx.usageError(positionals.length ? 'expected one spec file, got several' : 'expected a spec file');
    const arg = positionals[0]!;
    // Problems (warnings too) go to stderr so stdout stays valid JSON.
    const loaded = loadCliSpec(ctx, arg, values.root, {
      command: 'ir',
      notAFile: 'is not a file; ir compiles one spec',
      refusal: ', so no IR was produced; fix them first (see `agentgraph check`).',
      exitCode: 1,
      showWarnings: true,
    });
    if (typeof loaded === 'number') return loaded;

    let ir = loaded.ir;
    if (values.graph !== undefined) {
      const wanted = values.graph;
      const graphs = ir.graphs.filter((g) => g.name === wanted);
      if (!graphs.length) {
        const names = ir.graphs.map((g) => g.name);
        return ctx.usageError(`no graph '${wanted}' in ${arg}${names.length ? `; graphs: ${names.join(', ')}` : ' (it declares none)'}`);
      }
      ir = { ...ir, graphs };
    }
    ctx.stdout.write(`${JSON.stringify(ir, null, 2)}\n`);
    return 0;
  },
};
