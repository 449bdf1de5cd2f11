// The editor features through the protocol: completion (+ resolve), hover, signature help, inlay
// hints, formatting and quick fixes, against the in-process server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  CreateFile,
  Diagnostic,
  Hover,
  InlayHint,
  MarkupContent,
  SignatureHelp,
  TextDocumentEdit,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { formatText } from '../../server/src/features/format.ts';
import { LineIndex } from '../../server/src/util/line-index.ts';
import { LspClient, parseMarkers } from '../helpers/lsp-client.ts';

const MODELS = `model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 300 }
model smart = openai("gpt-4o") { temperature: 0.2, max_tokens: 800 }
`;

const SPEC = `import "models.agentgraph"

type Ticket { id: string, subject: string, body: string }
type Route { category: "billing" | "other", confidence: number }
type Draft { reply: string }
type Verdict { ok: boolean }

/// Sorts tickets.
agent classify(ticket: Ticket) -> Route { model: fast, prompt: "{{ticket.subject}}" }
agent billing(ticket: Ticket) -> Draft { model: smart, prompt: "{{ticket.body}}" }
agent critic(draft: Draft, ticket: Ticket) -> Verdict { model: fast, prompt: "{{draft.reply}}" }

graph Support(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket)
  billing -> critic(draft: billing, ticket)
  critic -> billing(ticket) when !critic.ok
  critic -> end(billing) otherwise
}
`;

async function withClient(fn: (c: LspClient, uri: string, text: string) => Promise<void>, text = SPEC): Promise<void> {
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS, 'main.agentgraph': text, 'prompts/billing.md': 'Answer {{ticket.body}}\n' },
    initializationOptions: { diagnosticsDelay: 0 },
  });
  try {
    const uri = await c.open('main.agentgraph', text);
    await fn(c, uri, text);
  } finally {
    await c.dispose();
  }
}

function pos(text: string, offset: number) {
  return new LineIndex(text).positionAt(offset);
}

function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const abs = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of abs) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

test('the feature capabilities are advertised', async () => {
  await withClient(async (c) => {
    const caps = c.capabilities;
    assert.ok(caps.completionProvider?.triggerCharacters?.includes('.'));
    assert.equal(caps.completionProvider?.resolveProvider, true);
    assert.ok(caps.hoverProvider);
    assert.deepEqual(caps.signatureHelpProvider?.triggerCharacters, ['(', ',']);
    assert.ok(caps.inlayHintProvider);
    assert.ok(caps.documentFormattingProvider && caps.documentRangeFormattingProvider);
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix']);
  });
});

test('completion: items with ranges, Markdown documentation, and resolve adding the worst case', async () => {
  const m = parseMarkers(SPEC.replace('critic -> end(billing) otherwise', 'critic -> end(billing) otherwise\n  billing -> <|>'));
  await withClient(async (c, uri) => {
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos(m.text, m.cursor), context: { triggerKind: 1 } });
    const critic = list.items.find((i) => i.label === 'critic');
    assert.ok(critic, list.items.map((i) => i.label).join(', '));
    assert.equal(critic.detail, 'agent critic(draft: Draft, ticket: Ticket) -> Verdict');
    assert.equal(critic.insertTextFormat, 2, 'a snippet');
    assert.equal((critic.textEdit as TextEdit).newText, 'critic(draft: billing, ticket)$0');
    const resolved = await c.request<CompletionItem>('completionItem/resolve', critic);
    assert.match((resolved.documentation as MarkupContent).value, /\*\*Worst case per execution\*\* \$/);
    // A trigger character where nothing is useful gives nothing.
    const none = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos(m.text, m.text.indexOf('start ->') + 6), context: { triggerKind: 2, triggerCharacter: ' ' } });
    assert.deepEqual(none.items, []);
  }, m.text);
});

test('completion: prompt files from the disk inside file("…")', async () => {
  const m = parseMarkers(SPEC + 'agent p(ticket: Ticket) -> Draft { model: fast, prompt: file("prompts/<|>") }\n');
  await withClient(async (c, uri) => {
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos(m.text, m.cursor), context: { triggerKind: 2, triggerCharacter: '/' } });
    assert.deepEqual(list.items.map((i) => i.label), ['billing.md']);
  }, m.text);
});

test('hover, signature help and inlay hints', async () => {
  const m = parseMarkers(SPEC.replace('agent classify(', 'agent cla<|>ssify(').replace('billing -> critic(draft: billing, ticket)', 'billing -> critic(draft: billing, <|>ticket)'));
  await withClient(async (c, uri) => {
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: pos(m.text, m.cursors[0]!) });
    assert.match((h.contents as MarkupContent).value, /agent classify\(ticket: Ticket\) -> Route/);
    assert.equal((h.contents as MarkupContent).kind, 'markdown');
    assert.deepEqual(h.range?.start, pos(m.text, m.text.indexOf('classify(')));
    const s = await c.request<SignatureHelp>('textDocument/signatureHelp', { textDocument: { uri }, position: pos(m.text, m.cursors[1]!) });
    assert.equal(s.signatures[0]!.label, 'critic(draft: Draft, ticket: Ticket) -> Verdict');
    assert.equal(s.activeParameter, 1);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: pos(m.text, m.text.length) } });
    assert.ok(hints.some((x) => typeof x.label === 'string' && /^≤ \$/.test(x.label)), JSON.stringify(hints));
  }, m.text);
});

test('document and range formatting return the formatter edits', async () => {
  const messy = SPEC.replace('start -> classify(ticket)', 'start->classify( ticket )').replace('type Draft { reply: string }', 'type Draft {reply:string}');
  await withClient(async (c, uri) => {
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(applyTextEdits(messy, edits), formatText(messy));
    const at = messy.indexOf('type Draft');
    const ranged = await c.request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range: { start: pos(messy, at), end: pos(messy, at + 5) }, options: { tabSize: 2, insertSpaces: true } });
    const out = applyTextEdits(messy, ranged);
    assert.ok(out.includes('type Draft { reply: string }') && out.includes('start->classify( ticket )'));
    // Syntax errors: no edits.
    await c.change(uri, messy + '\nagent broken(');
    assert.deepEqual(await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  }, messy);
});

test('quick fixes for the published diagnostics: bound a loop; create a missing prompt file', async () => {
  const text = SPEC + 'agent writer(ticket: Ticket) -> Draft { model: fast, prompt: file("prompts/writer.md") }\n';
  await withClient(async (c, uri) => {
    const pub = await c.waitForDiagnostics(uri, 1);
    const loop = pub.diagnostics.find((d: Diagnostic) => d.code === 'AG4004');
    assert.ok(loop, JSON.stringify(pub.diagnostics));
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: loop.range, context: { diagnostics: [loop] } });
    const bound = actions.find((a) => /Add `max 3`/.test(a.title));
    assert.ok(bound, actions.map((a) => a.title).join(' | '));
    assert.equal(bound.kind, 'quickfix');
    assert.deepEqual(bound.diagnostics, [loop]);
    const fixed = applyTextEdits(text, bound.edit!.changes![uri]!);
    assert.match(fixed, /critic -> billing\(ticket\) when !critic\.ok max 3/);

    const missing = pub.diagnostics.find((d: Diagnostic) => d.code === 'AG2006');
    assert.ok(missing);
    const create = (await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing] } }))[0]!;
    assert.match(create.title, /Create prompts\/writer\.md/);
    const changes = create.edit!.documentChanges!;
    assert.equal((changes[0] as CreateFile).kind, 'create');
    assert.match((changes[0] as CreateFile).uri, /prompts\/writer\.md$/);
    assert.match(((changes[1] as TextDocumentEdit).edits[0] as TextEdit).newText, /Ticket: \{\{ticket\}\}/);
    // Only quick fixes are offered, and only when asked for them.
    const refactors = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: loop.range, context: { diagnostics: [loop], only: ['refactor'] } });
    assert.deepEqual(refactors, []);
  }, text);
});

test('completion right after an edit, before diagnostics have caught up', async () => {
  await withClient(async (c, uri, text) => {
    await c.waitForDiagnostics(uri, 1);
    const at = text.indexOf('  critic -> end(billing)');
    await c.insert(uri, at, '  critic -> end(billing) when classify.\n');
    const now = c.text(uri);
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos(now, at + '  critic -> end(billing) when classify.'.length), context: { triggerKind: 2, triggerCharacter: '.' } });
    assert.deepEqual(list.items.map((i) => i.label), ['category', 'confidence']);
  });
});
