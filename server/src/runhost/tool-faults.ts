// Tool faults for fault simulation: a ToolLoader that wraps the real one and makes chosen tools
// throw, so a run shows how an agent copes when a tool it relies on fails (the model reads the
// error and answers without it, or the node fails and its policies take over). The runtime is not
// changed for this: the run host hands this loader to runGraph instead of the default one.

import type { ToolIR } from '../ir/schema.ts';
import type { ToolFn, ToolLoader } from '../runtime/tools.ts';
import type { ToolFault } from './protocol.ts';

export class InjectedToolFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InjectedToolFault';
  }
}

export class FaultyToolLoader implements ToolLoader {
  /** Calls made so far, per tool name (the runtime loads the tool before every call). */
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly inner: ToolLoader,
    private readonly faults: readonly ToolFault[],
  ) {}

  async load(tool: ToolIR): Promise<ToolFn> {
    const faults = this.faults.filter((f) => f.tool === tool.name);
    if (faults.length === 0) return this.inner.load(tool);
    const n = (this.calls.get(tool.name) ?? 0) + 1;
    this.calls.set(tool.name, n);
    const firing = faults.find((f) => !f.calls || f.calls.includes(n));
    if (!firing) return this.inner.load(tool);
    // The real implementation is not even loaded: a failing tool may be one that cannot load.
    return () => {
      throw new InjectedToolFault(firing.message ?? `injected fault: ${tool.name} threw (call ${n}, simulated)`);
    };
  }
}

/** Names in `faults` that the IR declares no tool for (a typo in a custom fault would do nothing). */
export function unknownFaultTools(faults: readonly ToolFault[], tools: readonly { name: string }[]): string[] {
  const known = new Set(tools.map((t) => t.name));
  return [...new Set(faults.map((f) => f.tool).filter((t) => !known.has(t)))];
}
