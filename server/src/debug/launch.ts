// The launch configuration of an `agentgraph` debug session and what it turns into: the compiled
// spec, the graph, its input and the provider, built the way the run host and `agentgraph run` do
// (simulated on virtual time by default; OpenAI-compatible with the editor's endpoint otherwise).

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { IR } from '../ir/schema.ts';
import type { Clock, Provider } from '../runtime/provider.ts';
import { createProvider, realClock, VirtualClock } from '../runtime/providers/index.ts';
import type { ReplayOptions } from '../runtime/replay.ts';
import { loadSpec } from '../runhost/load-spec.ts';
import { withOpenAIOverrides } from '../runtime/providers/overrides.ts';

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  /** The spec file (absolute, or relative to `root`). */
  spec: string;
  /** The graph to debug; optional when the spec declares one. */
  graph?: string;
  /** The graph's parameters. */
  input?: Record<string, unknown>;
  /** A JSON file with the graph's parameters (instead of `input`). */
  inputFile?: string;
  provider?: 'simulated' | 'openai';
  /** The workspace root (`.agentgraph/` lives here); default: the spec's folder. */
  root?: string;
  stopOnEntry?: boolean;
  /** simulated only: faults to inject, e.g. "rate_limit=0.2,invalid_output=0.1". */
  faults?: string;
  /** simulated only: a fixtures file with scripted answers per agent. */
  fixtures?: string;
  seed?: number;
  noCache?: boolean;
  /** openai only: the editor's endpoint and model overrides. */
  openai?: { baseUrl?: string; model?: string };
  /** Run from a node of an earlier run with its recorded inputs (time travel). */
  replay?: ReplayOptions;
  /** Unsaved editor buffers: absolute path → text. */
  overlays?: Record<string, string>;
}

export interface Prepared {
  ir: IR;
  graph: string;
  input: unknown;
  provider: Provider;
  clock: Clock;
  root: string;
  seed: number;
}

/** Compiles and checks everything a launch needs; throws with a message for the user otherwise. */
export function prepare(a: LaunchArgs, env: Readonly<Record<string, string | undefined>>): Prepared {
  if (typeof a.spec !== 'string' || !a.spec) throw new Error("the launch configuration needs 'spec' (the .agentgraph file)");
  const specPath = path.resolve(a.root ?? process.cwd(), a.spec);
  const loaded = loadSpec(specPath, { root: a.root, overlays: a.overlays });
  if (!loaded.ok) throw new Error(`${path.basename(specPath)} has errors; fix them first:\n${loaded.errors.join('\n')}`);
  let ir = loaded.ir;
  const names = ir.graphs.map((g) => g.name);
  const graph = a.graph ?? (names.length === 1 ? names[0] : undefined);
  if (!graph) throw new Error(names.length ? `the spec declares several graphs; set 'graph' to one of ${names.join(', ')}` : 'the spec declares no graph');
  if (!names.includes(graph)) throw new Error(`no graph '${graph}' in ${path.basename(specPath)}; graphs: ${names.join(', ')}`);

  let input: unknown = a.input;
  if (a.inputFile) {
    const file = path.resolve(loaded.root, a.inputFile);
    try {
      input = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      throw new Error(`cannot read the input file ${a.inputFile}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  if (input === undefined && !a.replay) throw new Error("the launch configuration needs 'input' (the graph's parameters) or 'inputFile'");

  const seed = a.seed ?? 1;
  const kind = a.provider ?? 'simulated';
  let provider: Provider;
  let clock: Clock;
  if (kind === 'simulated') {
    clock = new VirtualClock();
    provider = createProvider('simulated', { seed, clock, faults: a.faults || undefined, fixtures: a.fixtures && path.resolve(loaded.root, a.fixtures) });
  } else if (kind === 'openai') {
    if (a.faults || a.fixtures) throw new Error('faults and fixtures only apply to the simulated provider');
    clock = realClock;
    ir = withOpenAIOverrides(ir, a.openai);
    provider = createProvider('openai', { env });
  } else throw new Error(`unknown provider '${String(kind)}'; use simulated or openai`);
  return { ir, graph, input, provider, clock, root: loaded.root, seed };
}
