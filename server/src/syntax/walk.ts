// Generic traversal of the syntax tree: `forEachChild` lists the direct children of any node in
// source order, `walk` visits a whole subtree (iteratively, so even a pathological tree cannot
// overflow the stack), and `nodeAt` finds the chain of nodes under a cursor for the language
// server. Template expressions inside strings are children of their StringLit; the `otherwise`
// span of an edge is not a node and is not visited.
import type { Node, Property, Assert } from './ast.ts';

/**
 * Calls `cb` on each direct child of `node`, in source order, and stops at the first call that
 * returns something other than undefined, returning that value.
 */
export function forEachChild<T>(node: Node, cb: (child: Node) => T | undefined): T | undefined {
  let r: T | undefined;
  switch (node.kind) {
    case 'SourceFile':
      return each(node.decls, cb);
    case 'ImportDecl':
      return cb(node.path);
    case 'TypeDecl':
      return cb(node.name) ?? cb(node.type);
    case 'ModelDecl':
      if ((r = cb(node.name)) !== undefined || (r = cb(node.provider)) !== undefined) return r;
      if (node.modelId !== undefined && (r = cb(node.modelId)) !== undefined) return r;
      return each(node.props, cb);
    case 'ToolDecl':
    case 'AgentDecl':
    case 'HumanDecl':
      return cb(node.name) ?? each(node.params, cb) ?? cb(node.result) ?? each(node.props, cb);
    case 'GraphDecl':
      return cb(node.name) ?? each(node.params, cb) ?? cb(node.result) ?? each(node.items, cb);
    case 'EvalDecl':
      return cb(node.name) ?? cb(node.graph) ?? mergeByStart(node.props, node.asserts, cb);
    case 'PrimitiveType':
    case 'LiteralType':
    case 'ErrorType':
    case 'NumberLit':
    case 'DurationLit':
    case 'MoneyLit':
    case 'BoolLit':
    case 'NullLit':
    case 'Ident':
    case 'ErrorExpr':
    case 'StartRef':
    case 'Name':
      return undefined;
    case 'NamedType':
      return cb(node.name);
    case 'ListType':
      return cb(node.element);
    case 'MapType':
      return cb(node.value);
    case 'OptionalType':
      return cb(node.inner);
    case 'UnionType':
      return each(node.members, cb);
    case 'ObjectType':
      return each(node.fields, cb);
    case 'Field':
      return cb(node.name) ?? cb(node.type);
    case 'StringLit':
      for (const t of node.templates) if ((r = cb(t.expr)) !== undefined) return r;
      return undefined;
    case 'Member':
      return cb(node.object) ?? cb(node.property);
    case 'Index':
      return cb(node.object) ?? cb(node.index);
    case 'Call':
      return cb(node.callee) ?? each(node.args, cb);
    case 'Unary':
      return cb(node.operand);
    case 'Binary':
      return cb(node.left) ?? cb(node.right);
    case 'ListLit':
      return each(node.items, cb);
    case 'ObjectLit':
      return each(node.entries, cb);
    case 'Arg':
      if (node.name !== undefined && (r = cb(node.name)) !== undefined) return r;
      return cb(node.value);
    case 'Property':
      if ((r = cb(node.key)) !== undefined || (r = cb(node.value)) !== undefined) return r;
      return node.backoff !== undefined ? cb(node.backoff) : undefined;
    case 'Backoff':
      return cb(node.strategy) ?? each(node.args, cb);
    case 'Param':
      return cb(node.name) ?? cb(node.type);
    case 'Assert':
      return cb(node.expr);
    case 'Budget':
      return each(node.props, cb);
    case 'NodeRef':
      return cb(node.name);
    case 'JoinSource':
      return each(node.nodes, cb);
    case 'NodeCall':
      if ((r = cb(node.name)) !== undefined || (r = each(node.args, cb)) !== undefined) return r;
      return node.forEach !== undefined ? cb(node.forEach) : undefined;
    case 'ForEach':
      if ((r = cb(node.variable)) !== undefined || (r = cb(node.list)) !== undefined) return r;
      return node.max !== undefined ? cb(node.max) : undefined;
    case 'FanOut':
      return each(node.calls, cb);
    case 'EndTarget':
      return node.value !== undefined ? cb(node.value) : undefined;
    case 'Edge':
      if ((r = cb(node.source)) !== undefined || (r = cb(node.target)) !== undefined) return r;
      if (node.when !== undefined && (r = cb(node.when)) !== undefined) return r;
      return node.max !== undefined ? cb(node.max) : undefined;
    case 'Supervise':
      if (node.name !== undefined && (r = cb(node.name)) !== undefined) return r;
      if ((r = each(node.children, cb)) !== undefined || (r = cb(node.strategy)) !== undefined) return r;
      if ((r = each(node.args, cb)) !== undefined) return r;
      return node.escalate !== undefined ? cb(node.escalate) : undefined;
  }
}

function each<T>(nodes: readonly Node[], cb: (child: Node) => T | undefined): T | undefined {
  for (const n of nodes) {
    const r = cb(n);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** Eval blocks keep properties and asserts apart; visit them interleaved, as written. */
function mergeByStart<T>(props: Property[], asserts: Assert[], cb: (child: Node) => T | undefined): T | undefined {
  let i = 0;
  let j = 0;
  while (i < props.length || j < asserts.length) {
    const p = props[i];
    const a = asserts[j];
    let next: Node;
    if (p !== undefined && (a === undefined || p.start <= a.start)) {
      next = p;
      i++;
    } else {
      next = a!;
      j++;
    }
    const r = cb(next);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * A visitor: a function called on entering each node (return false to skip its children), or an
 * object with `enter` and `leave`. `leave` is called for every entered node, skipped or not.
 */
export type Visitor =
  | ((node: Node, parent: Node | undefined) => boolean | void)
  | {
      enter?(node: Node, parent: Node | undefined): boolean | void;
      leave?(node: Node, parent: Node | undefined): void;
    };

/** Visits `root` and all its descendants depth-first in source order. */
export function walk(root: Node, visitor: Visitor): void {
  const enter = typeof visitor === 'function' ? visitor : visitor.enter?.bind(visitor);
  const leave = typeof visitor === 'function' ? undefined : visitor.leave?.bind(visitor);
  // An explicit stack of (node, parent, leaving) triples replaces recursion.
  const nodes: Node[] = [root];
  const parents: (Node | undefined)[] = [undefined];
  const leaving: boolean[] = [false];
  const children: Node[] = [];
  const collect = (c: Node): undefined => {
    children.push(c);
    return undefined;
  };
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const parent = parents.pop();
    if (leaving.pop()) {
      leave?.(node, parent);
      continue;
    }
    const descend = enter === undefined || enter(node, parent) !== false;
    if (leave !== undefined) {
      nodes.push(node);
      parents.push(parent);
      leaving.push(true);
    }
    if (!descend) continue;
    children.length = 0;
    forEachChild(node, collect);
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]!);
      parents.push(node);
      leaving.push(false);
    }
  }
}

/**
 * The path of nodes from `root` down to the innermost node under `offset`, outermost first (the
 * last element is the innermost). A node contains the offset when `start <= offset < end`; when
 * no child does, a child ending exactly at the offset (the cursor just after a name, or a
 * zero-width node the parser invented there) is taken, the last such one winning.
 */
export function nodeAt(root: Node, offset: number): Node[] {
  const path: Node[] = [root];
  let current: Node = root;
  let touching: Node | undefined;
  const pick = (c: Node): Node | undefined => {
    if (c.start <= offset && offset < c.end) return c;
    if (c.end === offset && c.start <= offset) touching = c;
    return undefined;
  };
  for (;;) {
    touching = undefined;
    const next = forEachChild(current, pick) ?? touching;
    if (next === undefined) return path;
    path.push(next);
    current = next;
  }
}
