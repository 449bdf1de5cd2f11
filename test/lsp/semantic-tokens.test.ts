// Semantic tokens through the protocol: decode the relative encoding with the advertised legend
// and check what names, keywords, literals, operators and `{{ }}` template references become.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-protocol';
import { LineIndex } from '../../server/src/util/line-index.ts';
import { LspClient } from '../helpers/lsp-client.ts';
import { MAIN, MODELS } from './spec-fixtures.ts';

interface Decoded {
  line: number;
  character: number;
  length: number;
  text: string;
  type: string;
  modifiers: string[];
}

function decode(tokens: SemanticTokens, legend: SemanticTokensLegend, text: string): Decoded[] {
  const lines = text.split(/\r?\n/);
  const out: Decoded[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dl, dc, length, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    character = dl === 0 ? character + dc : dc;
    out.push({
      line,
      character,
      length,
      text: lines[line]!.slice(character, character + length),
      type: legend.tokenTypes[type]!,
      modifiers: legend.tokenModifiers.filter((_, b) => (mods & (1 << b)) !== 0),
    });
  }
  return out;
}

const LOOP = `type Plan { topics: list<string> }
type Note { text: string }
model m = openai("gpt-4o-mini") { max_tokens: 100 }
agent plan(q: string) -> Plan { model: m, prompt: "Plan {{q}}" }
agent research(topic: string) -> Note { model: m, prompt: "About {{ topic }}" }
graph G(q: string) -> list<Note> {
  start -> plan(q)
  plan -> research(topic: t) for t in plan.topics max 3
  research -> end(research)
}
`;

test('semantic tokens classify names by meaning and mark template references as macros', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const provider = c.capabilities.semanticTokensProvider!;
    assert.ok(provider.full && provider.range, 'full and range are advertised');
    const legend = provider.legend;
    assert.deepEqual(legend.tokenTypes, ['type', 'class', 'function', 'interface', 'event', 'namespace', 'parameter', 'property', 'variable', 'keyword', 'string', 'number', 'operator', 'macro']);
    assert.deepEqual(legend.tokenModifiers, ['declaration', 'definition', 'readonly', 'defaultLibrary']);

    const uri = await c.open('main.agentgraph', MAIN);
    const tokens = decode(await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } }), legend, MAIN);
    const find = (text: string, line?: number) => {
      const t = tokens.find((x) => x.text === text && (line === undefined || x.line === line));
      assert.ok(t, `no token '${text}'${line === undefined ? '' : ` on line ${line}`}`);
      return t;
    };
    const lineOf = (needle: string) => MAIN.slice(0, MAIN.indexOf(needle)).split('\n').length - 1;

    // Templates inside prompts.
    const macros = tokens.filter((t) => t.type === 'macro').map((t) => t.text);
    assert.deepEqual(macros, ['{{ticket.subject}}', '{{ticket.body}}', '{{ticket.body}}']);
    // The string around a template is still a string, split around it.
    assert.equal(find('"Answer ').type, 'string');

    const classifyDecl = find('classify', lineOf('agent classify'));
    assert.equal(classifyDecl.type, 'class');
    assert.deepEqual(classifyDecl.modifiers, ['declaration']);
    assert.equal(find('agent', lineOf('agent classify')).type, 'keyword');
    // `model` is a property key here, not the keyword; `fast` is a model.
    assert.equal(find('model', lineOf('model: fast')).type, 'property');
    assert.equal(find('fast', lineOf('model: fast')).type, 'interface');
    assert.equal(find('Ticket', lineOf('agent classify')).type, 'type');
    assert.deepEqual(find('ticket', lineOf('agent classify')).modifiers, ['declaration', 'readonly']);
    assert.equal(find('ticket', lineOf('agent classify')).type, 'parameter');
    assert.equal(find('lead', lineOf('classify -> lead')).type, 'event');
    assert.equal(find('Support', lineOf('graph Support')).type, 'namespace');
    assert.equal(find('category', lineOf('when classify.category')).type, 'property');
    assert.equal(find('start').type, 'keyword');
    assert.equal(find('when').type, 'keyword');
    assert.equal(find('otherwise').type, 'keyword');
    assert.equal(find('->').type, 'operator');
    assert.equal(find('==').type, 'operator');
    assert.equal(find('$1').type, 'number');
    assert.equal(find('4h').type, 'number');
    assert.equal(find('"billing"', lineOf('when classify')).type, 'string');
    assert.equal(find('run').type, 'variable');
    assert.ok(find('run').modifiers.includes('defaultLibrary'));

    // Tokens never overlap and come in order.
    for (let i = 1; i < tokens.length; i++) {
      const a = tokens[i - 1]!;
      const b = tokens[i]!;
      assert.ok(a.line < b.line || a.character + a.length <= b.character, `overlap at ${b.line}:${b.character}`);
    }

    // A range request returns the tokens of that range only.
    const from = lineOf('graph Support');
    const ranged = decode(
      await c.request<SemanticTokens>('textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: { line: from, character: 0 }, end: { line: from + 1, character: 0 } } }),
      legend,
      MAIN,
    );
    assert.ok(ranged.length > 0);
    assert.ok(ranged.every((t) => t.line === from));
    assert.deepEqual(ranged.map((t) => t.text), ['graph', 'Support', 'ticket', 'Ticket', '->', 'Draft']);
  } finally {
    await c.dispose();
  }
});

test('loop variables are variables; list<…> is a built-in type; multi-line strings are split per line', async () => {
  const c = await LspClient.inProcess({ initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const legend = c.capabilities.semanticTokensProvider!.legend;
    const uri = await c.open('loop.agentgraph', LOOP);
    const tokens = decode(await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } }), legend, LOOP);
    const ts = tokens.filter((t) => t.text === 't');
    assert.equal(ts.length, 2);
    for (const t of ts) assert.equal(t.type, 'variable');
    assert.ok(ts.some((t) => t.modifiers.includes('declaration')));
    const list = tokens.find((t) => t.text === 'list')!;
    assert.equal(list.type, 'type');
    assert.ok(list.modifiers.includes('defaultLibrary'));
    // `<` and `>` of list<…> are brackets, not operators.
    assert.ok(!tokens.some((t) => t.text === '<' || t.text === '>'));
    assert.equal(tokens.find((t) => t.text === '{{ topic }}')?.type, 'macro');

    const multi = await c.open('multi.agentgraph', MAIN);
    const mt = decode(await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: multi } }), legend, MAIN);
    const idx = new LineIndex(MAIN);
    const open = idx.positionAt(MAIN.indexOf('"""'));
    const strings = mt.filter((t) => t.type === 'string' && t.line >= open.line && t.line <= open.line + 3);
    assert.ok(strings.length >= 3, 'a triple-quoted string yields one token per line');
    assert.ok(strings.every((t) => !t.text.includes('\n')));
  } finally {
    await c.dispose();
  }
});
