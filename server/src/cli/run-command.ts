// `agentgraph run`: compiles a spec, runs one of its graphs on an input and prints live progress,
// the output JSON and a per-node summary. The simulated provider (the default) needs no key and
// runs on virtual time; `--provider openai` calls the real API. Runs are checkpointed under
// `.agentgraph/runs/<run-id>/` (with trace.jsonl), so `--resume RUN_ID` continues an interrupted
// run; Ctrl-C cancels cleanly and leaves a checkpoint to resume from.
//
// Exit codes: 0 succeeded, 1 the run failed, 2 bad input or usage, 3 budget exceeded, 130 cancelled.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadAnswersFile, noHuman, terminalHuman, type HumanChannel } from '../runtime/human.ts';
import type { Clock } from '../runtime/provider.ts';
import { createProvider, realClock, VirtualClock, type ProviderName } from '../runtime/providers/index.ts';
import { withOpenAIOverrides } from '../runtime/providers/overrides.ts';
import { formatSummary, ProgressPrinter } from '../runtime/report.ts';
import { runGraph, type RunResult } from '../runtime/run.ts';
import { loadCliSpec } from './load.ts';
import type { Command, CommandContext } from './main.ts';
import { OPENAI_FLAG_OPTIONS, OPENAI_FLAGS_HELP, openAIOverridesFrom } from './openai-flags.ts';

export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_BUDGET = 3;
export const EXIT_CANCELLED = 130;

const HELP = `Usage: agentgraph run <file.agentgraph> [--graph NAME] --input JSON|@file.json [options]

Runs a graph of a spec on an input and prints live progress, the output as JSON (on stdout) and a
summary of every node's attempts, tokens, cost and latency (on stderr).

Options:
  --graph NAME        The graph to run (required when the spec declares several).
  --input JSON        The graph's parameters as a JSON object, or @path to read them from a file.
  --provider NAME     simulated (default: no key, no network, virtual time) or openai.
${OPENAI_FLAGS_HELP}  --seed N            Seed for the simulated provider and retry jitter (default 1).
  --answers FILE      JSON answers for humans: { "human_name": answer | [answer, …] }. Without it,
                      humans are asked on the terminal (when there is one).
  --no-cache          Neither read nor write the response cache (.agentgraph/cache).
  --resume RUN_ID     Continue an interrupted run from its checkpoint (.agentgraph/runs/RUN_ID).
  --fixtures FILE     Scripted answers per agent for the simulated provider.
  --faults SPEC       Faults for the simulated provider to inject, e.g. "rate_limit=0.2,invalid_output=0.1".
  --root DIR          The workspace root; .agentgraph/ lives here (default: the current directory).
  -h, --help          Show this help.

Exit codes: 0 succeeded, 1 the run failed, 2 bad input or usage, 3 budget exceeded, 130 cancelled.
`;

function readInput(ctx: CommandContext, raw: string): { value: unknown } | { error: string } {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(path.resolve(ctx.cwd, raw.slice(1)), 'utf8');
    } catch {
      return { error: `cannot read the input file ${raw.slice(1)}` };
    }
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `--input is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function exitCodeOf(r: RunResult): number {
  switch (r.outcome) {
    case 'succeeded':
      return 0;
    case 'budget_exceeded':
      return EXIT_BUDGET;
    case 'cancelled':
      return EXIT_CANCELLED;
    case 'failed':
      return r.error?.kind === 'invalid_input' ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a graph on an input (simulated by default) and show its trace summary',
  help: HELP,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        graph: { type: 'string' },
        input: { type: 'string' },
        provider: { type: 'string', default: 'simulated' },
        ...OPENAI_FLAG_OPTIONS,
        seed: { type: 'string' },
        answers: { type: 'string' },
        'no-cache': { type: 'boolean' },
        resume: { type: 'string' },
        fixtures: { type: 'string' },
        faults: { type: 'string' },
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
    const provider = values.provider as ProviderName;
    if (provider !== 'simulated' && provider !== 'openai') return ctx.usageError(`unknown provider '${values.provider}'; use simulated or openai`);
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed)) return ctx.usageError(`--seed must be an integer, got '${values.seed}'`);
    if (values.input === undefined && values.resume === undefined) return ctx.usageError('--input is required (a JSON object, or @file.json)');
    if (provider === 'openai' && (values.fixtures || values.faults)) return ctx.usageError('--fixtures and --faults only apply to the simulated provider');
    const overrides = openAIOverridesFrom(ctx, provider, values);
    if (typeof overrides === 'number') return overrides;

    const compiled = loadCliSpec(ctx, positionals[0]!, values.root, {
      command: 'run',
      notAFile: 'is not a spec file',
      refusal: '; fix them first (see `agentgraph check`).',
      exitCode: EXIT_BAD_INPUT,
      showWarnings: false,
    });
    if (typeof compiled === 'number') return compiled;
    const ir = withOpenAIOverrides(compiled.ir, overrides);
    const { root } = compiled;
    const names = ir.graphs.map((g) => g.name);
    const graph = values.graph ?? (names.length === 1 ? names[0] : undefined);
    if (!graph) return ctx.usageError(names.length ? `the spec declares several graphs; pick one with --graph (${names.join(', ')})` : 'the spec declares no graph');
    if (!names.includes(graph)) return ctx.usageError(`no graph '${graph}' in ${positionals[0]}; graphs: ${names.join(', ') || 'none'}`);

    let input: unknown;
    if (values.input !== undefined) {
      const parsed = readInput(ctx, values.input);
      if ('error' in parsed) return ctx.usageError(parsed.error);
      input = parsed.value;
    }

    let human: HumanChannel = noHuman;
    try {
      if (values.answers) human = loadAnswersFile(path.resolve(ctx.cwd, values.answers));
      else if (process.stdin.isTTY) human = terminalHuman(process.stdin, process.stderr);
    } catch (err) {
      return ctx.usageError(`cannot use the answers file: ${err instanceof Error ? err.message : String(err)}`);
    }

    const clock: Clock = provider === 'simulated' ? new VirtualClock() : realClock;
    let model;
    try {
      model =
        provider === 'simulated'
          ? createProvider('simulated', { seed, clock, fixtures: values.fixtures && path.resolve(ctx.cwd, values.fixtures), faults: values.faults })
          : createProvider('openai', { env: ctx.env });
    } catch (err) {
      return ctx.usageError(err instanceof Error ? err.message : String(err));
    }

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const progress = new ProgressPrinter(ctx.stderr);
    const dotDir = path.join(root, '.agentgraph');
    let result: RunResult;
    try {
      result = await runGraph({
        ir,
        graph,
        input,
        provider: model,
        clock,
        human,
        cacheDir: path.join(dotDir, 'cache'),
        noCache: values['no-cache'] === true,
        runsDir: path.join(dotDir, 'runs'),
        seed,
        signal: controller.signal,
        onEvent: progress.onEvent,
        resumeFrom: values.resume,
        env: ctx.env,
      });
    } catch (err) {
      progress.done();
      return ctx.usageError(err instanceof Error ? err.message : String(err));
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    progress.done();
    if (result.error?.kind === 'invalid_input') {
      ctx.stderr.write(`agentgraph run: ${result.error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (result.outcome === 'succeeded') ctx.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
    ctx.stderr.write(`\n${formatSummary({ ...result, tracePath: result.tracePath && path.relative(ctx.cwd, result.tracePath) })}`);
    if (result.outcome === 'cancelled' || result.outcome === 'failed') ctx.stderr.write(`Resume with: agentgraph run ${positionals[0]} --resume ${result.runId}\n`);
    return exitCodeOf(result);
  },
};
