// Tests of the tree walkers: forEachChild reaches every node kind, walk visits in source order
// with enter/leave pairs, and nodeAt finds the innermost node under an offset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from '../../server/src/syntax/ast.ts';
import { parse } from '../../server/src/syntax/parser.ts';
import { forEachChild, nodeAt, walk } from '../../server/src/syntax/walk.ts';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'syntax');

describe('walk', () => {
  test('the fixtures contain every node kind, and walk reaches them all', () => {
    const kinds = new Set<string>();
    for (const name of readdirSync(FIXTURES)) {
      walk(parse(readFileSync(path.join(FIXTURES, name), 'utf8')).file, (n) => {
        kinds.add(n.kind);
      });
    }
    const all = [
      'SourceFile', 'ImportDecl', 'TypeDecl', 'ModelDecl', 'ToolDecl', 'AgentDecl', 'HumanDecl', 'GraphDecl', 'EvalDecl',
      'PrimitiveType', 'LiteralType', 'NamedType', 'ListType', 'MapType', 'OptionalType', 'UnionType', 'ObjectType', 'ErrorType',
      'Field', 'StringLit', 'NumberLit', 'DurationLit', 'MoneyLit', 'BoolLit', 'NullLit', 'Ident', 'Member', 'Index', 'Call',
      'Unary', 'Binary', 'ListLit', 'ObjectLit', 'ErrorExpr', 'Arg', 'Property', 'Backoff', 'Param', 'Assert', 'Budget',
      'StartRef', 'NodeRef', 'JoinSource', 'NodeCall', 'ForEach', 'FanOut', 'EndTarget', 'Edge', 'Supervise', 'Name',
    ];
    assert.deepEqual(all.filter((k) => !kinds.has(k)), []);
  });

  test('enter and leave are paired and children come in source order', () => {
    const file = parse('agent a(x: T) -> T { p: f(1, y: 2), q: [a.b, c[0]] }').file;
    const stack: Node[] = [];
    let last = -1;
    walk(file, {
      enter(node, parent) {
        assert.equal(parent, stack.at(-1));
        assert.ok(node.start >= last || node.start >= (parent?.start ?? 0));
        last = node.start;
        stack.push(node);
      },
      leave(node) {
        assert.equal(stack.pop(), node);
      },
    });
    assert.equal(stack.length, 0);
  });

  test('returning false skips the children', () => {
    const file = parse('type A { a: string }\ntype B { b: string }').file;
    const seen: string[] = [];
    walk(file, (n) => {
      seen.push(n.kind);
      return n.kind !== 'TypeDecl';
    });
    assert.deepEqual(seen, ['SourceFile', 'TypeDecl', 'TypeDecl']);
  });

  test('forEachChild stops at the first defined result', () => {
    const file = parse('type A = string\ntype B = number').file;
    const first = forEachChild(file, (d) => (d.kind === 'TypeDecl' ? d : undefined));
    assert.equal(first, file.decls[0]);
  });

  test('a very deep tree is walked without recursion', () => {
    // Build a deep chain by hand, beyond what the parser would produce.
    let e: Node = { kind: 'Ident', start: 0, end: 1, name: 'x' };
    for (let i = 0; i < 100000; i++) e = { kind: 'Unary', start: 0, end: 1, op: '!', operand: e };
    let count = 0;
    walk(e, () => {
      count++;
    });
    assert.equal(count, 100001);
  });
});

describe('nodeAt', () => {
  const text = 'agent classify(ticket: Ticket) -> Route {\n  prompt: "Subject: {{ticket.subject}}"\n}';
  const file = parse(text).file;
  const kinds = (offset: number) => nodeAt(file, offset).map((n) => n.kind);

  test('finds the innermost node, outermost first', () => {
    const at = text.indexOf('subject}}') + 2;
    assert.deepEqual(kinds(at), ['SourceFile', 'AgentDecl', 'Property', 'StringLit', 'Member', 'Name']);
    const path = nodeAt(file, at);
    assert.equal((path.at(-1) as { text: string }).text, 'subject');
  });

  test('a cursor right after a name still finds it', () => {
    const at = text.indexOf('Ticket)') + 'Ticket'.length;
    assert.deepEqual(kinds(at), ['SourceFile', 'AgentDecl', 'Param', 'NamedType', 'Name']);
  });

  test('finds zero-width invented nodes where text is missing', () => {
    const broken = 'eval e for G { assert a. }';
    const f = parse(broken).file;
    const path = nodeAt(f, broken.indexOf('a.') + 2);
    const last = path.at(-1);
    assert.equal(last?.kind, 'Name');
    assert.equal(last?.kind === 'Name' && last.missing, true);
  });

  test('outside every declaration it is just the file', () => {
    assert.deepEqual(kinds(text.length + 10), ['SourceFile']);
    assert.deepEqual(nodeAt(parse('  ').file, 1).map((n) => n.kind), ['SourceFile']);
  });
});
