// The registry of every diagnostic code. Codes are stable: once released, a code keeps its meaning
// forever, so tools and suppressions can rely on it. docs/diagnostics.md documents each one, and a
// test keeps the two in step.

import type { Severity } from './diagnostic.ts';

export interface CodeInfo {
  severity: Severity;
  title: string;
}

export const CODES = {
  // 1xxx: syntax (produced by the parser)
  AG1001: { severity: 'error', title: 'Unexpected character' },
  AG1002: { severity: 'error', title: 'Unterminated string' },
  AG1003: { severity: 'error', title: 'Unterminated block comment' },
  AG1004: { severity: 'error', title: 'Expected token' },
  AG1005: { severity: 'error', title: 'Expected a declaration' },
  AG1006: { severity: 'error', title: 'Expected an expression' },
  AG1007: { severity: 'error', title: 'Expected a type' },
  AG1008: { severity: 'error', title: 'Invalid number or duration' },
  AG1009: { severity: 'error', title: 'Unterminated or empty template reference' },
  AG1010: { severity: 'error', title: 'Nesting too deep' },

  // 2xxx: names, imports, files, declarations
  AG2001: { severity: 'error', title: 'Unknown name' },
  AG2002: { severity: 'error', title: 'Duplicate name' },
  AG2003: { severity: 'error', title: 'Imported file not found' },
  AG2004: { severity: 'error', title: 'Import cycle' },
  AG2005: { severity: 'error', title: 'Path outside the workspace' },
  AG2006: { severity: 'error', title: 'Prompt file not found' },
  AG2007: { severity: 'error', title: 'Unknown property' },
  AG2008: { severity: 'error', title: 'Missing required property' },
  AG2009: { severity: 'error', title: 'Wrong kind of declaration' },
  AG2010: { severity: 'error', title: 'Invalid property value' },
  AG2011: { severity: 'error', title: 'Duplicate property' },

  // 3xxx: types
  AG3001: { severity: 'error', title: 'Type mismatch' },
  AG3002: { severity: 'error', title: 'Value is not in the literal union' },
  AG3003: { severity: 'error', title: 'Unknown field' },
  AG3004: { severity: 'error', title: 'Argument does not match the parameters' },
  AG3005: { severity: 'error', title: 'Condition is not boolean' },
  AG3006: { severity: 'error', title: 'Invalid template reference' },
  AG3007: { severity: 'error', title: 'Graph result does not match what reaches end' },
  AG3008: { severity: 'error', title: 'Unknown function or wrong arguments' },
  AG3009: { severity: 'error', title: 'Recursive type' },
  AG3010: { severity: 'warning', title: 'Node output may not be available here' },

  // 4xxx: flow
  AG4001: { severity: 'error', title: 'Routing is not exhaustive' },
  AG4002: { severity: 'warning', title: 'Node is unreachable from start' },
  AG4003: { severity: 'error', title: 'Node has no path to end' },
  AG4004: { severity: 'error', title: 'Unbounded loop' },
  AG4005: { severity: 'error', title: 'Join waits on a branch that can be skipped' },
  AG4006: { severity: 'error', title: 'Graph has no start edge' },
  AG4007: { severity: 'error', title: 'Fan-out has no width bound' },
  AG4008: { severity: 'warning', title: 'Unreachable route' },
  AG4009: { severity: 'error', title: 'Graph never reaches end' },
  AG4010: { severity: 'error', title: 'Node cannot be used here' },

  // 5xxx: reliability and models
  AG5001: { severity: 'error', title: 'Irreversible tool can run again without approval' },
  AG5002: { severity: 'warning', title: 'Irreversible tool reachable with no human on the path' },
  AG5003: { severity: 'error', title: 'Model lacks a capability the agent needs' },
  AG5004: { severity: 'error', title: 'Prompt and max_tokens exceed the context window' },
  AG5005: { severity: 'error', title: 'Unknown supervised child' },
  AG5006: { severity: 'error', title: 'Node under two supervisors' },
  AG5007: { severity: 'error', title: 'Escalation target is not a human or a graph' },
  AG5008: { severity: 'error', title: 'Supervisor restarts push the worst case past the budget' },
  AG5009: { severity: 'error', title: 'Unknown supervision strategy' },
  AG5010: { severity: 'warning', title: 'Model is not in the catalog' },
  AG5011: { severity: 'warning', title: 'Model lacks JSON-schema output' },

  // 6xxx: economics
  AG6001: { severity: 'error', title: 'Worst-case cost exceeds the budget' },
  AG6002: { severity: 'error', title: 'Worst-case latency exceeds the budget' },
  AG6003: { severity: 'error', title: 'Worst-case steps exceed the budget' },
  AG6004: { severity: 'error', title: 'Worst-case tokens exceed the budget' },

  // 7xxx: evals
  AG7001: { severity: 'error', title: 'Dataset not found' },
  AG7002: { severity: 'error', title: 'Eval has no cases' },
  AG7003: { severity: 'error', title: 'Eval has no assertions' },
  AG7004: { severity: 'error', title: 'Judge assertion without a judge model' },
  AG7005: { severity: 'error', title: 'Invalid eval variant' },

  // 9xxx: the tool itself
  AG9001: { severity: 'error', title: 'Internal error' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
