// The runtime's public surface: run or resume a graph, the injectable I/O (human channels, tool
// loaders, caches, run stores), the event and span types of traces, and the OTLP export.

export { runGraph, resumeRun, newRunId, type RunOptions, type RunResult } from './run.ts';
export type { NodeSummary } from './summary.ts';
export type { Totals, BudgetLimits } from './budget.ts';
export { answersHuman, loadAnswersFile, noHuman, programmaticHuman, terminalHuman, type HumanChannel, type HumanRequest } from './human.ts';
export { MapToolLoader, ModuleToolLoader, type ToolFn, type ToolLoader, type ToolContext } from './tools.ts';
export { FileResponseCache, MemoryResponseCache, cacheKey, type ResponseCache } from './cache.ts';
export { FileRunStore, MemoryRunStore, type CheckpointState, type RunStore } from './checkpoint.ts';
export type { RunEvent, RunEventBody, RunOutcome, NodeStatus, SpanRecord, SpanKind, Attributes } from './trace.ts';
export { parseTraceJsonl, spansOf, toOtlp, type OtlpTraces } from './otlp.ts';
export { formatSummary, ProgressPrinter } from './report.ts';
export { Redactor, REDACTED } from './redact.ts';
export type { DebugHooks, NodeStop, CallStop, DebugRunState, DebugPathStep } from './debug.ts';
export type { ReplayOptions } from './replay.ts';
