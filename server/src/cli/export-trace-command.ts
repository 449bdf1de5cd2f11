// `agentgraph export-trace`: converts a run's trace.jsonl to OTLP JSON, the format every
// OpenTelemetry collector accepts (POST it to <collector>/v1/traces), so runs can be inspected in
// Jaeger, Tempo, Honeycomb, Langfuse and the like.

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseTraceJsonl, toOtlp } from '../runtime/otlp.ts';
import { readVersion, type Command } from './main.ts';

const HELP = `Usage: agentgraph export-trace <trace.jsonl> --otlp [--out FILE]

Converts the trace of a run (.agentgraph/runs/<run-id>/trace.jsonl) to OTLP JSON: resourceSpans →
scopeSpans → spans with hex ids, unix-nanosecond times and GenAI semantic-convention attributes.
Send it to an OpenTelemetry collector with:
  curl -X POST -H 'Content-Type: application/json' --data @trace.otlp.json http://localhost:4318/v1/traces

Options:
  --otlp        Write OTLP JSON (the only format so far; required, so later formats stay explicit).
  --out FILE    Write to FILE instead of stdout.
  -h, --help    Show this help.

Exit codes: 0 written, 1 the trace file cannot be read or holds no spans, 2 usage error.
`;

export const exportTraceCommand: Command = {
  name: 'export-trace',
  summary: 'Convert a run trace (trace.jsonl) to OpenTelemetry OTLP JSON',
  help: HELP,
  run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      options: { otlp: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) return ctx.usageError('expected one trace.jsonl file');
    if (!values.otlp) return ctx.usageError('choose an output format: --otlp');
    const file = path.resolve(ctx.cwd, positionals[0]!);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      ctx.stderr.write(`agentgraph export-trace: cannot read ${positionals[0]}\n`);
      return 1;
    }
    const events = parseTraceJsonl(text);
    const otlp = toOtlp(events, { version: readVersion() });
    const count = otlp.resourceSpans[0]!.scopeSpans[0]!.spans.length;
    if (count === 0) {
      ctx.stderr.write(`agentgraph export-trace: ${positionals[0]} holds no spans\n`);
      return 1;
    }
    const json = `${JSON.stringify(otlp, null, 2)}\n`;
    if (values.out) {
      writeFileSync(path.resolve(ctx.cwd, values.out), json);
      ctx.stderr.write(`wrote ${count} spans to ${values.out}\n`);
    } else ctx.stdout.write(json);
    return 0;
  },
};
