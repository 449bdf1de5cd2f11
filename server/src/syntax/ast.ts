// The syntax tree of one `.agentgraph` file. Every node carries `start` and `end`: UTF-16 offsets
// into the file text (end exclusive). Nodes are plain objects so the tree can be serialised for
// snapshots and built quickly. A node the parser had to invent while recovering from an error is
// still present (with `missing: true` on names), so later phases can always walk a complete shape.

export interface Span {
  start: number;
  end: number;
}

export interface Name extends Span {
  kind: 'Name';
  text: string;
  /** True when the parser expected a name here and found none; `text` is then ''. */
  missing?: boolean;
}

// ---------------------------------------------------------------- types

export type TypeExpr =
  | PrimitiveType
  | LiteralType
  | NamedType
  | ListType
  | MapType
  | OptionalType
  | UnionType
  | ObjectType
  | ErrorType;

export interface PrimitiveType extends Span {
  kind: 'PrimitiveType';
  name: 'string' | 'number' | 'integer' | 'boolean';
}
export interface LiteralType extends Span {
  kind: 'LiteralType';
  value: string | number | boolean;
}
export interface NamedType extends Span {
  kind: 'NamedType';
  name: Name;
}
export interface ListType extends Span {
  kind: 'ListType';
  element: TypeExpr;
}
export interface MapType extends Span {
  kind: 'MapType';
  value: TypeExpr;
}
export interface OptionalType extends Span {
  kind: 'OptionalType';
  inner: TypeExpr;
}
export interface UnionType extends Span {
  kind: 'UnionType';
  members: TypeExpr[];
}
export interface ObjectType extends Span {
  kind: 'ObjectType';
  fields: Field[];
}
/** Stands where a type was expected but could not be parsed. */
export interface ErrorType extends Span {
  kind: 'ErrorType';
}
export interface Field extends Span {
  kind: 'Field';
  name: Name;
  /** `name?: T` */
  optional: boolean;
  type: TypeExpr;
  doc?: string;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | StringLit
  | NumberLit
  | DurationLit
  | MoneyLit
  | BoolLit
  | NullLit
  | Ident
  | Member
  | Index
  | Call
  | Unary
  | Binary
  | ListLit
  | ObjectLit
  | ErrorExpr;

export interface TemplatePart extends Span {
  /** The expression inside `{{ … }}`; its offsets are offsets in the file, like every node. */
  expr: Expr;
}
export interface StringLit extends Span {
  kind: 'StringLit';
  /** The cooked value: escapes processed; triple-quoted strings dedented. */
  value: string;
  triple: boolean;
  /** `{{ … }}` references found in the string, in order. */
  templates: TemplatePart[];
}
export interface NumberLit extends Span {
  kind: 'NumberLit';
  value: number;
  /** True when written without a fraction or exponent. */
  integer: boolean;
}
export interface DurationLit extends Span {
  kind: 'DurationLit';
  /** Milliseconds. */
  ms: number;
  unit: 'ms' | 's' | 'm' | 'h' | 'd';
}
export interface MoneyLit extends Span {
  kind: 'MoneyLit';
  /** US dollars. */
  usd: number;
}
export interface BoolLit extends Span {
  kind: 'BoolLit';
  value: boolean;
}
export interface NullLit extends Span {
  kind: 'NullLit';
}
export interface Ident extends Span {
  kind: 'Ident';
  name: string;
}
export interface Member extends Span {
  kind: 'Member';
  object: Expr;
  property: Name;
}
export interface Index extends Span {
  kind: 'Index';
  object: Expr;
  index: Expr;
}
export interface Call extends Span {
  kind: 'Call';
  callee: Name;
  args: Arg[];
}
export interface Unary extends Span {
  kind: 'Unary';
  op: '!' | '-';
  operand: Expr;
}
export type BinaryOp = '*' | '/' | '+' | '-' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';
export interface Binary extends Span {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}
export interface ListLit extends Span {
  kind: 'ListLit';
  items: Expr[];
}
export interface ObjectLit extends Span {
  kind: 'ObjectLit';
  entries: Property[];
}
export interface ErrorExpr extends Span {
  kind: 'ErrorExpr';
}

/** `name: value` or a positional `value` in a call's argument list. */
export interface Arg extends Span {
  kind: 'Arg';
  name?: Name;
  value: Expr;
}

// ---------------------------------------------------------------- properties

/** `key: value` inside a declaration block, an object literal, a budget or an eval. */
export interface Property extends Span {
  kind: 'Property';
  key: Name;
  value: Expr;
  /** Only for `retry: N backoff kind(…)`. */
  backoff?: Backoff;
}
export interface Backoff extends Span {
  kind: 'Backoff';
  /** `exponential`, `linear` or `constant` (checked later, kept as written). */
  strategy: Name;
  args: Arg[];
}

// ---------------------------------------------------------------- declarations

export interface Param extends Span {
  kind: 'Param';
  name: Name;
  type: TypeExpr;
}

export type Decl =
  | ImportDecl
  | TypeDecl
  | ModelDecl
  | ToolDecl
  | AgentDecl
  | HumanDecl
  | GraphDecl
  | EvalDecl;

export interface DeclBase extends Span {
  /** Text of the `///` lines directly above, without the slashes, joined with newlines. */
  doc?: string;
}

export interface ImportDecl extends DeclBase {
  kind: 'ImportDecl';
  path: StringLit;
}
export interface TypeDecl extends DeclBase {
  kind: 'TypeDecl';
  name: Name;
  /** `type X { … }` gives an ObjectType; `type X = …` gives any TypeExpr. */
  type: TypeExpr;
}
export interface ModelDecl extends DeclBase {
  kind: 'ModelDecl';
  name: Name;
  provider: Name;
  /** The model id string, e.g. "gpt-4o"; absent when missing. */
  modelId?: StringLit;
  props: Property[];
}
/** Shared shape of tool, agent and human declarations: name(params) -> result { props }. */
export interface CallableDecl extends DeclBase {
  name: Name;
  params: Param[];
  result: TypeExpr;
  props: Property[];
}
export interface ToolDecl extends CallableDecl {
  kind: 'ToolDecl';
}
export interface AgentDecl extends CallableDecl {
  kind: 'AgentDecl';
}
export interface HumanDecl extends CallableDecl {
  kind: 'HumanDecl';
}
export interface GraphDecl extends DeclBase {
  kind: 'GraphDecl';
  name: Name;
  params: Param[];
  result: TypeExpr;
  items: GraphItem[];
}
export interface EvalDecl extends DeclBase {
  kind: 'EvalDecl';
  name: Name;
  /** The graph under test (`for Graph`). */
  graph: Name;
  props: Property[];
  asserts: Assert[];
}
export interface Assert extends Span {
  kind: 'Assert';
  expr: Expr;
}

// ---------------------------------------------------------------- graph bodies

export type GraphItem = Budget | Property | Edge | Supervise;

export interface Budget extends Span {
  kind: 'Budget';
  props: Property[];
}

/** `start`, a node name, or `[a, b]` (a join). */
export type EdgeSource = StartRef | NodeRef | JoinSource;
export interface StartRef extends Span {
  kind: 'StartRef';
}
export interface NodeRef extends Span {
  kind: 'NodeRef';
  name: Name;
}
export interface JoinSource extends Span {
  kind: 'JoinSource';
  nodes: NodeRef[];
}

export type EdgeTarget = NodeCall | FanOut | EndTarget;
/** `name(args)`, optionally `for x in list max W` (dynamic fan-out). */
export interface NodeCall extends Span {
  kind: 'NodeCall';
  name: Name;
  args: Arg[];
  forEach?: ForEach;
}
export interface ForEach extends Span {
  kind: 'ForEach';
  variable: Name;
  list: Expr;
  /** The width bound `max W`; absent when not written. */
  max?: NumberLit;
}
/** `[a(args), b(args)]`: static fan-out. */
export interface FanOut extends Span {
  kind: 'FanOut';
  calls: NodeCall[];
}
/** `end(expr)`; `value` is absent for `end()`. */
export interface EndTarget extends Span {
  kind: 'EndTarget';
  value?: Expr;
}

export interface Edge extends Span {
  kind: 'Edge';
  source: EdgeSource;
  target: EdgeTarget;
  /** `when expr`. */
  when?: Expr;
  /** `otherwise`: the span of the keyword. */
  otherwise?: Span;
  /** `max N` loop bound. */
  max?: NumberLit;
}

export interface Supervise extends Span {
  kind: 'Supervise';
  /** Optional supervisor name, so it can be a child of another supervisor. */
  name?: Name;
  children: NodeRef[];
  /** `one_for_one`, `one_for_all` or `rest_for_one` (checked later, kept as written). */
  strategy: Name;
  args: Arg[];
  escalate?: NodeRef;
}

// ---------------------------------------------------------------- file

export interface SourceFile extends Span {
  kind: 'SourceFile';
  decls: Decl[];
}

export type Node =
  | SourceFile
  | Decl
  | TypeExpr
  | Field
  | Expr
  | Arg
  | Property
  | Backoff
  | Param
  | Assert
  | GraphItem
  | EdgeSource
  | EdgeTarget
  | ForEach
  | Name;
