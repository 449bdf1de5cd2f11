// Shared by the eval tests: builders for IR expressions (what an `assert` line compiles to) and
// `agentgraph eval` run in-process with its output captured.

import type { ExprIR } from '../../server/src/ir/schema.ts';
import { main, type CliIO } from '../../server/src/cli/main.ts';

export const lit = (value: unknown): ExprIR => ({ op: 'lit', value }) as ExprIR;
export const ref = (name: string): ExprIR => ({ op: 'ref', name });
export const get = (object: ExprIR, key: string): ExprIR => ({ op: 'get', object, key });
export const call = (fn: string, ...args: ExprIR[]): ExprIR => ({ op: 'call', fn, args });
export const bin = (operator: string, left: ExprIR, right: ExprIR): ExprIR => ({ op: 'binary', operator, left, right });
export const not = (operand: ExprIR): ExprIR => ({ op: 'unary', operator: '!', operand });

/** `agentgraph eval <args>` in `cwd`, without colours; returns the exit code and both streams. */
export async function evalCli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, env: { NO_COLOR: '1' } };
  const code = await main(['eval', ...args], io);
  return { code, stdout, stderr };
}
