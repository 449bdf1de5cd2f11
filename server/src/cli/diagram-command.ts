// `agentgraph diagram`: the architecture diagram of one graph of a spec, as Mermaid text (default),
// a Markdown document with a ```mermaid block, or a standalone SVG drawn by a headless Chromium.
// The same generator feeds the editor's live diagram, so the CLI output matches what the editor
// shows (in its light theme).

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { diagramMarkdown, generateDiagram } from '../diagram/mermaid.ts';
import { renderMermaidSvg, SvgRenderUnavailableError } from '../diagram/svg-render.ts';
import { loadCliSpec } from './load.ts';
import type { Command } from './main.ts';

const FORMATS = ['mermaid', 'svg', 'md'] as const;
type Format = (typeof FORMATS)[number];

/** Drawn nodes above which the SVG is laid out with ELK (as the editor does). */
const ELK_THRESHOLD = 120;

const HELP = `Usage: agentgraph diagram <file.agentgraph> [--graph NAME] [--format mermaid|svg|md] [--out FILE]
                          [--collapse] [--direction TD|LR] [--no-legend] [--root DIR]

Draws the architecture of one graph of a spec: agents (model, retries ↻, fallbacks ⤵, cache ⏱,
irreversible tools ⚠, worst-case cost and latency), humans, tools and nested graphs, the edges
with their conditions, fan-outs and loop bounds (loops dotted), supervisors as boxes, the worst
case against the budget, and a legend.

Options:
  --graph NAME        The graph to draw (default: the first graph declared in the file).
  --format FORMAT     mermaid (default): Mermaid flowchart text.
                      md: a Markdown document with a \`\`\`mermaid block (renders on GitHub and GitLab).
                      svg: a standalone SVG image; needs Chromium (set AGENTGRAPH_CHROMIUM to its
                      path if it is not found) and the playwright-core package.
  --out FILE          Write to FILE instead of standard output.
  --collapse          Draw each supervisor as one box (for very large graphs).
  --direction TD|LR   Top-down (default) or left-to-right.
  --no-legend         Leave the legend out.
  --root DIR          The workspace root (default: the current directory).
  -h, --help          Show this help.

Exit codes: 0 written, 1 the spec has errors or declares no graph, or SVG drawing failed, 2 usage error.
`;

export const diagramCommand: Command = {
  name: 'diagram',
  summary: 'Draw the architecture diagram of a graph (Mermaid, Markdown or SVG)',
  help: HELP,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        graph: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string', short: 'o' },
        collapse: { type: 'boolean' },
        direction: { type: 'string' },
        'no-legend': { type: 'boolean' },
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
    const format = (values.format ?? 'mermaid') as Format;
    if (!FORMATS.includes(format)) return ctx.usageError(`--format must be one of ${FORMATS.join(', ')}, not '${values.format}'`);
    const direction = (values.direction ?? 'TD').toUpperCase();
    if (direction !== 'TD' && direction !== 'LR') return ctx.usageError(`--direction must be TD or LR, not '${values.direction}'`);
    if (positionals.length !== 1) return ctx.usageError(positionals.length ? 'expected one spec file, got several' : 'expected a spec file');
    const arg = positionals[0]!;
    const loaded = loadCliSpec(ctx, arg, values.root, {
      command: 'diagram',
      notAFile: 'is not a file; diagram draws one spec',
      refusal: ', so it cannot be drawn; fix them first (see `agentgraph check`).',
      exitCode: 1,
      showWarnings: true,
    });
    if (typeof loaded === 'number') return loaded;
    const { ir, file } = loaded;
    // Graphs declared in this file come first; a file that only imports graphs draws those.
    const local = ir.graphs.filter((g) => path.resolve(g.range.file) === file).map((g) => g.name);
    const names = local.length ? local : ir.graphs.map((g) => g.name);
    const graph = values.graph ?? names[0];
    if (graph === undefined) {
      ctx.stderr.write(`agentgraph diagram: ${arg} declares no graph; add \`graph Name(input: T) -> R { start -> … }\`.\n`);
      return 1;
    }
    if (!ir.graphs.some((g) => g.name === graph)) return ctx.usageError(`no graph '${graph}' in ${arg}; graphs: ${names.join(', ')}`);

    const d = generateDiagram(ir, {
      graph,
      direction: direction as 'TD' | 'LR',
      collapseSupervisors: values.collapse ?? false,
      legend: !values['no-legend'],
    });
    if (!d) {
      ctx.stderr.write(`agentgraph diagram: graph '${graph}' could not be drawn\n`);
      return 1;
    }

    let output: string;
    if (format === 'mermaid') output = `${d.mermaid}\n`;
    else if (format === 'md') output = diagramMarkdown(d, undefined, path.basename(file));
    else {
      try {
        output = `${await renderMermaidSvg(d.mermaid, { env: ctx.env, layout: d.nodes.length > ELK_THRESHOLD ? 'elk' : 'dagre' })}\n`;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        ctx.stderr.write(err instanceof SvgRenderUnavailableError ? `agentgraph diagram: ${message}\n` : `agentgraph diagram: drawing the SVG failed: ${message}\n`);
        return 1;
      }
      if (!output.startsWith('<?xml')) output = `<?xml version="1.0" encoding="UTF-8"?>\n${output}`;
    }

    if (values.out !== undefined) {
      const target = path.resolve(ctx.cwd, values.out);
      try {
        writeFileSync(target, output);
      } catch (err) {
        ctx.stderr.write(`agentgraph diagram: cannot write ${values.out}: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
      ctx.stderr.write(`Wrote ${values.out} (${format}, graph ${d.graph}).\n`);
    } else ctx.stdout.write(output);
    return 0;
  },
};
