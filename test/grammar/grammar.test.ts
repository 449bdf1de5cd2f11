// Grammar snapshots: tokenizes test/fixtures/grammar/*.agentgraph with the TextMate grammar and
// compares to test/snapshots/grammar/*.snap (refresh with UPDATE_SNAPSHOTS=1 after checking the
// diff). Also checks the constructs that matter most by scope, and that every example closes
// every region it opens (a runaway string or block would colour the rest of the file wrongly).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { formatSnapshot, loadTokenizer, ROOT, tokensWith, type Tokenized, type Tokenizer } from './tokenize.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/grammar');
const SNAPSHOTS = path.join(ROOT, 'test/snapshots/grammar');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

let tk: Tokenizer;
before(async () => {
  tk = await loadTokenizer();
});

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('grammar snapshots', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.agentgraph')).sort()) {
    test(name, () => {
      const actual = formatSnapshot(tk.tokenize(fixture(name)));
      const file = path.join(SNAPSHOTS, name.replace(/\.agentgraph$/, '.snap'));
      if (UPDATE || !existsSync(file)) {
        mkdirSync(SNAPSHOTS, { recursive: true });
        writeFileSync(file, actual);
        if (!UPDATE) assert.fail(`wrote a new snapshot ${path.relative(ROOT, file)}; check it and run again`);
        return;
      }
      assert.equal(actual, readFileSync(file, 'utf8'), `${name} tokenizes differently from ${path.relative(ROOT, file)}; if the change is intended, run UPDATE_SNAPSHOTS=1 npm run test:unit -- grammar`);
    });
  }
});

describe('grammar scopes', () => {
  let t: Tokenized;
  before(() => {
    t = tk.tokenize(fixture('constructs.agentgraph'));
  });
  const has = (scope: string, ...texts: string[]) => {
    const got = tokensWith(t, scope);
    for (const x of texts) assert.ok(got.includes(x), `expected ${JSON.stringify(x)} to have scope ${scope}; tokens with it: ${JSON.stringify(got.slice(0, 40))}`);
  };

  test('declaration keywords and names', () => {
    for (const kw of ['type', 'model', 'tool', 'agent', 'human', 'graph', 'eval']) has(`storage.type.${kw}.agentgraph`, kw);
    has('keyword.control.import.agentgraph', 'import');
    has('entity.name.type.agentgraph', 'Ticket', 'Priority', 'Route');
    has('entity.name.function.agent.agentgraph', 'classify');
    has('entity.name.function.tool.agentgraph', 'refund');
    has('entity.name.function.human.agentgraph', 'lead');
    has('entity.name.function.graph.agentgraph', 'Support');
    has('entity.name.function.eval.agentgraph', 'triage');
    has('variable.other.constant.model.agentgraph', 'fast', 'local');
    has('support.function.provider.agentgraph', 'openai', 'ollama');
  });

  test('types: primitives, builtins, literals, fields, parameters', () => {
    has('support.type.primitive.agentgraph', 'string', 'integer', 'number', 'boolean');
    has('support.type.builtin.agentgraph', 'list', 'map');
    has('variable.other.property.agentgraph', 'id', 'tier', 'score', 'w', 'h');
    has('variable.parameter.agentgraph', 'ticket', 'invoice_id', 'notes');
    has('keyword.operator.union.agentgraph', '|');
    has('keyword.operator.optional.agentgraph', '?');
  });

  test('properties, durations, money, numbers, constants', () => {
    has('support.type.property-name.agentgraph', 'model', 'prompt', 'retry', 'cost', 'dataset');
    has('constant.numeric.duration.agentgraph', '250', '4', '15', '1');
    has('keyword.other.unit.agentgraph', 'ms', 's', 'm', 'h', 'd');
    has('constant.numeric.money.agentgraph', '$', '0.75', '2.50', '10');
    has('punctuation.definition.currency.agentgraph', '$');
    has('constant.numeric.decimal.agentgraph', '300', '128000', '1e0', '0.95');
    has('constant.language.boolean.true.agentgraph', 'true');
    has('constant.language.null.agentgraph', 'null');
    has('support.constant.effect.agentgraph', 'irreversible');
    has('constant.language.off.agentgraph', 'off');
  });

  test('graph flow: edge keywords, operators, supervise', () => {
    has('keyword.control.flow.agentgraph', 'start', 'end', 'when', 'otherwise', 'max', 'for', 'in');
    has('keyword.operator.arrow.agentgraph', '->');
    has('keyword.operator.comparison.agentgraph', '==', '>=', '<', '!=');
    has('keyword.operator.logical.agentgraph', '&&', '||', '!');
    has('keyword.operator.arithmetic.agentgraph', '*', '/', '+', '-');
    has('keyword.control.supervise.agentgraph', 'supervise', 'escalate');
    has('support.constant.strategy.agentgraph', 'one_for_one', 'rest_for_one');
    has('support.function.backoff.agentgraph', 'exponential');
    has('keyword.other.backoff.agentgraph', 'backoff');
    has('keyword.other.budget.agentgraph', 'budget');
    has('keyword.control.assert.agentgraph', 'assert');
    has('support.function.builtin.agentgraph', 'inputs', 'len', 'approx', 'contains', 'lower', 'matches', 'upper', 'visited', 'abs');
    has('entity.name.function.supervisor.agentgraph', 'team');
  });

  test('strings, escapes, templates, comments', () => {
    has('string.quoted.double.agentgraph', 'gpt-4o-mini');
    has('constant.character.escape.agentgraph', '\\"', '\\n');
    has('invalid.illegal.escape.agentgraph', '\\q');
    has('punctuation.definition.template-expression.begin.agentgraph', '{{');
    has('punctuation.definition.template-expression.end.agentgraph', '}}');
    has('comment.line.documentation.agentgraph', ' A customer ');
    has('comment.line.double-slash.agentgraph', ' Every construct of the language, for the grammar snapshot.');
    has('comment.block.agentgraph', ' A block comment');
    has('string.quoted.triple.agentgraph', '"""');
  });

  test('template references inside prompts have expression scopes', () => {
    const p = tk.tokenize(fixture('prompts.agentgraph'));
    const inTemplate = (text: string, scope: string) =>
      p.lines.some((l) => l.tokens.some((tok) => tok.text === text && tok.scopes.includes('meta.template.expression.agentgraph') && tok.scopes.some((s) => s.startsWith(scope))));
    assert.ok(inTemplate('doc', 'variable.other.readwrite'), 'doc in {{doc.title}}');
    assert.ok(inTemplate('title', 'variable.other.property'), 'title in {{doc.title}}');
    assert.ok(inTemplate('*', 'keyword.operator.arithmetic'), '* in {{ n * 2 }}');
    // A template inside bold Markdown still wins.
    const bold = p.lines.find((l) => l.text.includes('**Bold'))!;
    assert.ok(bold.tokens.some((tok) => tok.text === '{{' && tok.scopes.includes('meta.template.expression.agentgraph')), JSON.stringify(bold.tokens));
    // Markdown is embedded in triple-quoted strings only.
    assert.ok(tokensWith(p, 'markup.heading.markdown').length > 0, 'a heading');
    assert.ok(tokensWith(p, 'markup.italic.markdown').length > 0, 'italic');
    assert.ok(tokensWith(p, 'markup.inline.raw.string.markdown').length > 0, 'inline code');
    // `\{{` is a literal, not a template.
    const literal = p.lines.find((l) => l.text.includes('literal braces'))!;
    assert.ok(literal.tokens.some((tok) => tok.text === '\\{{' && tok.scopes.includes('constant.character.escape.agentgraph')));
    assert.ok(!literal.tokens.some((tok) => tok.text === 'not' && tok.scopes.includes('meta.template.expression.agentgraph')));
    // An unterminated template in a one-line string stops at the end of the line.
    const after = p.lines.find((l) => l.text.startsWith('agent after'))!;
    assert.ok(after.tokens[0]!.scopes.includes('storage.type.agent.agentgraph'), JSON.stringify(after.tokens[0]));
  });

  test('incomplete code: the next declaration at column 0 recovers', () => {
    const p = tk.tokenize(fixture('incomplete.agentgraph'));
    for (const start of ['agent typing', 'graph G', 'eval e']) {
      const line = p.lines.find((l) => l.text.startsWith(start))!;
      assert.ok(/^storage\.type\./.test(line.tokens[0]!.scopes.at(-1) ?? ''), `${start}: ${JSON.stringify(line.tokens[0])}`);
    }
  });
});

describe('grammar on real specs', () => {
  const specs: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.agentgraph')) specs.push(path.join(dir, e.name));
    }
  };
  walk(path.join(ROOT, 'examples'));

  test('every example closes every region it opens', () => {
    assert.ok(specs.length >= 6);
    for (const f of specs) {
      if (/ag1002|ag1004/.test(f)) continue; // Deliberately broken syntax.
      const t = tk.tokenize(readFileSync(f, 'utf8'));
      assert.equal(t.finalDepth, 1, `${path.relative(ROOT, f)} leaves a region open`);
    }
  });

  // With VS Code's own Markdown grammar (from the code-server used by the e2e suite, when
  // installed), prompts must still end at their closing quotes.
  const real = [
    process.env.AGENTGRAPH_MARKDOWN_GRAMMAR,
    path.join(process.env.AGENTGRAPH_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/agentgraph/code-server'), 'node_modules/code-server/lib/vscode/extensions/markdown-basics/syntaxes/markdown.tmLanguage.json'),
  ].find((p): p is string => !!p && existsSync(p));
  test('with the real Markdown grammar, prompts end at their closing quotes', { skip: real ? false : 'VS Code Markdown grammar not installed' }, async () => {
    const withReal = await loadTokenizer({ markdownGrammar: real! });
    for (const f of [...specs.filter((s) => !/ag1002|ag1004/.test(s)), path.join(FIXTURES, 'prompts.agentgraph'), path.join(FIXTURES, 'constructs.agentgraph')]) {
      const t = withReal.tokenize(readFileSync(f, 'utf8'));
      assert.equal(t.finalDepth, 1, `${path.relative(ROOT, f)} leaves a region open with the real Markdown grammar`);
    }
  });
});
