// What is at the cursor, for completion and signature help. The syntax tree of a half-typed file
// is complete but may not say what the user is in the middle of writing, so this works on the
// TOKEN STREAM: it lexes the current declaration from its first token up to the cursor and
// replays the brackets with a small stack of frames (declaration block, graph body, argument list,
// tool list, type object, …). The innermost frame and the tokens of the current item inside it
// (`key: value`, an edge, an argument) tell where the cursor is: at a property key, after
// `model:`, after `->`, after a `.`, after `==`, inside `{{ }}` of a prompt, inside `openai("`,
// inside `file("` or `import "`, in the arguments of `billing(`, …
//
// Lexing stops at the cursor, so a word being typed is the last token (the prefix to complete),
// and a string the cursor is inside of is an unterminated last token.
//
// The work is split in three: context-tokens.ts lexes the range and gives the token helpers,
// context-replay.ts replays the brackets into frames, and context-classify.ts turns the innermost
// frame into a CursorContext. This file holds the public shapes and entry points.

import type { PropertySpec, BlockKind } from '../semantics/property-specs.ts';
import type { SourceFile } from '../syntax/ast.ts';
import { declBefore, type OffsetRange } from './common.ts';
import { CursorScanner } from './context-classify.ts';
import { lexRange } from './context-tokens.ts';

/** The names an expression can see, named by what declares them (resolved by the features). */
export type ScopeRef =
  | { kind: 'graph'; graph: string }
  | { kind: 'eval'; eval: string; graph?: string }
  | { kind: 'template'; decl: string };

export type CallKind = 'node' | 'end' | 'backoff' | 'strategy' | 'provider' | 'file' | 'builtin';

/** The innermost call around the cursor: what signature help shows. */
export interface CallSite {
  kind: CallKind;
  callee: string;
  calleeStart: number;
  /** Offset of the '('. */
  open: number;
  /** Arguments before the current one: the name of each named one, undefined for positional. */
  before: (string | undefined)[];
  /** The current argument's name when written `name: …`. */
  currentName?: string;
  /** The enclosing graph, for node calls and `end(…)`. */
  graph?: string;
  scope?: ScopeRef;
}

export type CursorContext =
  | { kind: 'none' }
  /** Where a declaration may start. */
  | { kind: 'topLevel' }
  /** A property key inside a block; `present` keys are already written. */
  | { kind: 'propertyKey'; block: BlockKind | 'nested'; keys: Record<string, PropertySpec>; present: string[]; allowAssert?: boolean }
  /** The value of `key:` (nothing typed after the colon yet, or a word being typed). */
  | { kind: 'propertyValue'; block: BlockKind | 'nested'; key: string; spec?: PropertySpec }
  /** After `retry: 2 ` (offer `backoff`). */
  | { kind: 'retryTail' }
  | { kind: 'backoffStrategy' }
  | { kind: 'supervisionStrategy' }
  /** After a supervise clause's arguments (offer `escalate`). */
  | { kind: 'escalateKeyword' }
  | { kind: 'evalFor' }
  | { kind: 'provider' }
  /** A type position. */
  | { kind: 'type' }
  /** Names of declarations of these kinds (model:, tools: [, approve:, escalate, eval … for). */
  | { kind: 'symbols'; kinds: ('model' | 'tool' | 'agent' | 'human' | 'graph' | 'type')[]; exclude: string[]; wrapInList?: boolean }
  /** A model id inside `provider("…")`; `quoted` when the cursor is inside the quotes. */
  | { kind: 'modelId'; quoted: boolean }
  /** A path inside `file("…")`, `import "…"` or `dataset: "…"`; `typed` is the text before the cursor. */
  | { kind: 'filePath'; mode: 'prompt' | 'import' | 'dataset'; typed: string }
  /** The start of a graph item: an edge source, `start`, `budget`, `supervise`, a property. */
  | { kind: 'graphItem'; graph: string; present: string[] }
  /** After `->`: agents, humans, tools, graphs and `end`. */
  | { kind: 'edgeTarget'; graph: string; sources: string[]; inFanOut: boolean }
  /** After an edge's target: `when`, `otherwise`, `max`, `for`. */
  | { kind: 'edgeModifier'; graph: string; has: { when: boolean; otherwise: boolean; max: boolean; forEach: boolean; call: boolean } }
  /** Node names of a graph (join sources, supervised children, `inputs(`). */
  | { kind: 'graphNodes'; graph: string; exclude: string[]; supervisors: boolean }
  /** Named arguments of a backoff or a supervision strategy. */
  | { kind: 'namedArgs'; names: { name: string; doc: string; snippet: string }[]; present: string[] }
  /** The start of an argument of a node call: parameter names, then expression names. */
  | { kind: 'nodeArg'; call: CallSite; scope: ScopeRef }
  /** An expression: names in scope, built-in functions, literals. `afterOperand` when a complete operand precedes. */
  | { kind: 'expression'; scope: ScopeRef; afterOperand: boolean; inEdgeCondition: boolean }
  /** After `object.`: the fields of the object's type. `object` is the expression text. */
  | { kind: 'member'; scope: ScopeRef; object: string }
  /** After `subject ==` (or inside the quotes that follow): the values of a literal union. */
  | { kind: 'literal'; scope: ScopeRef; subject: string; quoted: boolean };

export interface CursorInfo {
  context: CursorContext;
  /** Range a completion replaces: the word or string being typed (empty at the cursor otherwise). */
  replace: OffsetRange;
  /** The text of the replace range before the cursor. */
  prefix: string;
  /** The innermost call around the cursor, for signature help. */
  call?: CallSite;
  /** The declaration the cursor is in: its keyword and name. */
  decl?: { keyword: string; name: string };
}

/**
 * Describes the cursor at `offset` of `text`. `file` is the parsed tree of the same text; only its
 * declaration boundaries are used (where to start lexing).
 */
export function cursorContext(text: string, file: SourceFile, offset: number): CursorInfo {
  // Lex from the start of the declaration the cursor is in or follows: after its end the replay
  // itself tells a new declaration (a new line after a complete one) from a continuation (a block
  // the parser closed early because its '}' is still missing).
  return cursorContextFrom(text, declBefore(file, offset)?.start ?? 0, offset);
}

/**
 * Like cursorContext, lexing from `from`, which must be the start of a token at the top level
 * (a declaration's start, or any earlier one: a declaration keyword starting a line resets).
 */
export function cursorContextFrom(text: string, from: number, offset: number): CursorInfo {
  return new CursorScanner(text, lexRange(text, from, offset), offset).run();
}

/**
 * Where the declaration around `offset` of `text` starts, using the tree of an OLDER version of
 * the text (`oldText`): offsets before the edited region are unchanged, those after it shift by
 * the change in length. Undefined when the cursor's declaration starts inside the edited region.
 */
export function declStartInEditedText(oldText: string, oldFile: SourceFile, text: string, offset: number): number | undefined {
  const max = Math.min(oldText.length, text.length);
  // Compare in blocks first: comparing slices is native and much faster than char by char.
  const B = 512;
  let p = 0;
  while (p + B <= max && oldText.slice(p, p + B) === text.slice(p, p + B)) p += B;
  while (p < max && oldText.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  const ol = oldText.length;
  const nl = text.length;
  while (s + B <= max - p && oldText.slice(ol - s - B, ol - s) === text.slice(nl - s - B, nl - s)) s += B;
  while (s < max - p && oldText.charCodeAt(ol - 1 - s) === text.charCodeAt(nl - 1 - s)) s++;
  const delta = text.length - oldText.length;
  const oldOffset = offset <= p ? offset : offset >= text.length - s ? offset - delta : p;
  const start = declBefore(oldFile, oldOffset)?.start ?? 0;
  if (start <= p) return start;
  if (start >= oldText.length - s) return start + delta;
  return undefined;
}
