// Definition, references, document highlights and rename through the protocol, within a file and
// across imports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DocumentHighlightKind, type DocumentHighlight, type Location, type LocationLink, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { Program } from '../../server/src/semantics/program.ts';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { LineIndex } from '../../server/src/util/line-index.ts';
import { LspClient, parseMarkers, textOf } from '../helpers/lsp-client.ts';
import { MAIN, MODELS, OTHER } from './spec-fixtures.ts';

async function withClient(fn: (c: LspClient) => Promise<void>, opts: Parameters<typeof LspClient.inProcess>[0] = {}): Promise<void> {
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS, 'main.agentgraph': MAIN, 'other.agentgraph': OTHER },
    initializationOptions: { diagnosticsDelay: 0 },
    ...opts,
  });
  try {
    await fn(c);
  } finally {
    await c.dispose();
  }
}

const nth = (text: string, needle: string, n = 0): number => {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' #${n} not found`);
  }
  return at;
};

function readWorkspace(c: LspClient, rel: string): string {
  return readFileSync(c.path(rel), 'utf8');
}

/** The edits of a WorkspaceEdit by URI, from either its `changes` or its `documentChanges`. */
function editsOf(edit: WorkspaceEdit): Record<string, TextEdit[]> {
  if (edit.changes) return edit.changes;
  const out: Record<string, TextEdit[]> = {};
  for (const dc of edit.documentChanges ?? []) {
    assert.ok('edits' in dc, 'only text edits are expected');
    out[dc.textDocument.uri] = dc.edits as TextEdit[];
  }
  return out;
}

/** Applies a WorkspaceEdit to the given texts by URI. */
function applyEdit(edit: WorkspaceEdit, texts: Map<string, string>): Map<string, string> {
  const out = new Map(texts);
  for (const [uri, edits] of Object.entries(editsOf(edit))) {
    let text = out.get(uri);
    assert.ok(text !== undefined, `edit for an unknown file ${uri}`);
    const lines = new LineIndex(text);
    const off = (r: Range) => [lines.offsetAt(r.start), lines.offsetAt(r.end)] as const;
    const sorted = [...edits].sort((a: TextEdit, b: TextEdit) => off(b.range)[0] - off(a.range)[0]);
    for (const e of sorted) {
      const [s, en] = off(e.range);
      text = text.slice(0, s) + e.newText + text.slice(en);
    }
    out.set(uri, text);
  }
  return out;
}

test('definition jumps to declarations in this file and in imported files', async () => {
  await withClient(async (c) => {
    const main = await c.open('main.agentgraph', MAIN);
    // A model declared in the imported file.
    const defs = await c.request<Location[]>('textDocument/definition', c.at(main, nth(MAIN, 'fast') + 1));
    assert.equal(defs.length, 1);
    assert.equal(defs[0]!.uri, c.uri('models.agentgraph'));
    assert.equal(textOf(MODELS, defs[0]!.range), 'fast');
    // A field through a node's output: classify.category → `category` in type Route.
    const field = await c.request<Location[]>('textDocument/definition', c.at(main, nth(MAIN, 'classify.category') + 'classify.'.length + 2));
    assert.equal(field[0]!.uri, main);
    assert.equal(field[0]!.range.start.line, MAIN.slice(0, nth(MAIN, 'category:')).split('\n').length - 1);
    // A parameter inside a prompt template.
    const param = await c.request<Location[]>('textDocument/definition', c.at(main, nth(MAIN, '{{ticket.subject}}') + 3));
    assert.equal(textOf(MAIN, param[0]!.range), 'ticket');
    assert.equal(param[0]!.range.start.line, MAIN.slice(0, nth(MAIN, 'agent classify(ticket')).split('\n').length - 1);
    // The import path opens the file.
    const file = await c.request<Location[]>('textDocument/definition', c.at(main, nth(MAIN, 'models.agentgraph')));
    assert.equal(file[0]!.uri, c.uri('models.agentgraph'));
    // Nothing under the cursor: no result.
    assert.equal(await c.request('textDocument/definition', c.at(main, nth(MAIN, '// Routing') + 4)), null);
  });
});

test('definition returns location links when the client supports them', async () => {
  await withClient(
    async (c) => {
      const main = await c.open('main.agentgraph', MAIN);
      const links = await c.request<LocationLink[]>('textDocument/definition', c.at(main, nth(MAIN, 'billing(ticket) when') + 2));
      assert.equal(links.length, 1);
      const l = links[0]!;
      assert.equal(textOf(MAIN, l.originSelectionRange!), 'billing');
      assert.equal(textOf(MAIN, l.targetSelectionRange), 'billing');
      assert.ok(textOf(MAIN, l.targetRange).startsWith('agent billing('), 'the target range is the whole declaration');
    },
    { capabilities: { textDocument: { definition: { linkSupport: true } } } },
  );
});

test('references find uses across every file that imports the declaration', async () => {
  await withClient(async (c) => {
    const main = await c.open('main.agentgraph', MAIN);
    const params = (includeDeclaration: boolean) => ({ ...c.at(main, nth(MAIN, 'Ticket') + 1), context: { includeDeclaration } });
    const refs = await c.request<Location[]>('textDocument/references', params(true));
    const byFile = (uri: string) => refs.filter((r) => r.uri === uri);
    assert.equal(byFile(c.uri('models.agentgraph')).length, 1, 'the declaration');
    assert.equal(byFile(main).length, (MAIN.match(/\bTicket\b/g) ?? []).length);
    assert.equal(byFile(c.uri('other.agentgraph')).length, (OTHER.match(/\bTicket\b/g) ?? []).length, 'a file that is not open is searched too');
    for (const r of refs) {
      const text = r.uri === main ? MAIN : r.uri === c.uri('other.agentgraph') ? OTHER : MODELS;
      assert.equal(textOf(text, r.range), 'Ticket');
    }
    const noDecl = await c.request<Location[]>('textDocument/references', params(false));
    assert.equal(noDecl.length, refs.length - 1);
    assert.ok(!noDecl.some((r) => r.uri === c.uri('models.agentgraph')));
  });
});

test('document highlights mark the declaration as a write and uses as reads', async () => {
  await withClient(async (c) => {
    const m = parseMarkers(MAIN.replace('agent classify(', 'agent <|decl|>classify<|/decl|>(').replace('start -> classify(', 'start -> <|>classify('));
    const main = await c.open('main.agentgraph', m.text);
    const hs = await c.request<DocumentHighlight[]>('textDocument/documentHighlight', c.at(main, m.cursor + 1));
    assert.ok(hs.length >= 4);
    for (const h of hs) assert.equal(textOf(m.text, h.range), 'classify');
    const writes = hs.filter((h) => h.kind === DocumentHighlightKind.Write);
    assert.equal(writes.length, 1);
    assert.equal(textOf(m.text, writes[0]!.range), 'classify');
    assert.deepEqual(writes[0]!.range.start, new LineIndex(m.text).positionAt(m.ranges.decl![0]!.start));
    assert.ok(hs.filter((h) => h.kind === DocumentHighlightKind.Read).length >= 3);
  });
});

test('rename edits every file that sees the symbol, and the result checks clean', async () => {
  await withClient(async (c) => {
    const main = await c.open('main.agentgraph', MAIN);
    const prep = await c.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', c.at(main, nth(MAIN, 'fast') + 2));
    assert.equal(prep.placeholder, 'fast');
    assert.equal(textOf(MAIN, prep.range), 'fast');

    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...c.at(main, nth(MAIN, 'fast') + 2), newName: 'quick' });
    // Versioned document changes: the open document's version, null for files on disk.
    const versions = Object.fromEntries((edit.documentChanges ?? []).map((d) => ('textDocument' in d ? [d.textDocument.uri, d.textDocument.version] : ['?', '?'])));
    assert.deepEqual(versions, { [main]: 1, [c.uri('models.agentgraph')]: null, [c.uri('other.agentgraph')]: null });
    const uris = Object.keys(editsOf(edit)).sort();
    assert.deepEqual(uris, [c.uri('main.agentgraph'), c.uri('models.agentgraph'), c.uri('other.agentgraph')].sort());
    const texts = new Map([
      [c.uri('models.agentgraph'), MODELS],
      [c.uri('main.agentgraph'), MAIN],
      [c.uri('other.agentgraph'), OTHER],
    ]);
    const after = applyEdit(edit, texts);
    assert.ok(!/\bfast\b/.test([...after.values()].join('\n')));
    // The renamed workspace checks clean.
    const files = new Map([...after].map(([u, t]) => [fileURLToPath(u), t]));
    const program = new Program({ readFile: (p) => files.get(p) }, c.root);
    for (const p of files.keys()) assert.deepEqual(analyzeFile(program, p)!.diagnostics.map((d) => d.message), [], p);
  });
});

test('rename of a field and of a parameter stays within their scope', async () => {
  await withClient(async (c) => {
    const main = await c.open('main.agentgraph', MAIN);
    const texts = new Map([[main, MAIN]]);
    // Field: the declaration and `classify.category`.
    const fieldEdit = await c.request<WorkspaceEdit>('textDocument/rename', { ...c.at(main, nth(MAIN, 'category:') + 1), newName: 'desk' });
    const afterField = applyEdit(fieldEdit, texts).get(main)!;
    assert.match(afterField, /type Route \{ desk: "billing"/);
    assert.match(afterField, /classify\.desk == "billing"/);
    // Parameter of `classify`: its declaration and its prompt's templates, not the graph's `ticket`.
    const paramEdit = await c.request<WorkspaceEdit>('textDocument/rename', { ...c.at(main, nth(MAIN, 'classify(ticket: Ticket)') + 'classify('.length), newName: 't' });
    assert.equal(editsOf(paramEdit)[main]!.length, 3);
    const afterParam = applyEdit(paramEdit, texts).get(main)!;
    assert.match(afterParam, /agent classify\(t: Ticket\)/);
    assert.match(afterParam, /Classify: \{\{t\.subject\}\}/);
    assert.match(afterParam, /start -> classify\(ticket\)/);
  });
});

test('rename from a use in an importing file renames the declaration in the imported file', async () => {
  await withClient(async (c) => {
    const other = await c.open('other.agentgraph', OTHER);
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...c.at(other, nth(OTHER, 'Ticket')), newName: 'Case' });
    const models = editsOf(edit)[c.uri('models.agentgraph')]!;
    assert.equal(models.length, 1);
    assert.equal(textOf(MODELS, models[0]!.range), 'Ticket');
    assert.equal(editsOf(edit)[c.uri('main.agentgraph')]?.length, (MAIN.match(/\bTicket\b/g) ?? []).length, 'a sibling importer is renamed too');
  });
});

test('rename refuses keywords, invalid names and clashes with a clear message', async () => {
  await withClient(async (c) => {
    const main = await c.open('main.agentgraph', MAIN);
    const refusal = async (method: string, params: object): Promise<string> => {
      try {
        await c.request(method, params);
      } catch (err) {
        return (err as Error).message;
      }
      assert.fail(`${method} was not refused`);
    };
    assert.match(await refusal('textDocument/prepareRename', c.at(main, nth(MAIN, 'agent classify') + 2)), /'agent' is a keyword/);
    assert.match(await refusal('textDocument/prepareRename', c.at(main, nth(MAIN, 'run.cost') + 1)), /built into the language/);
    assert.match(await refusal('textDocument/prepareRename', c.at(main, nth(MAIN, '// Routing') + 5)), /Place the cursor on the name/);

    const at = c.at(main, nth(MAIN, 'agent billing') + 'agent '.length);
    assert.match(await refusal('textDocument/rename', { ...at, newName: '2fast' }), /not a valid name/);
    assert.match(await refusal('textDocument/rename', { ...at, newName: 'bill-ing' }), /not a valid name/);
    assert.match(await refusal('textDocument/rename', { ...at, newName: 'graph' }), /'graph' is a keyword/);
    assert.match(await refusal('textDocument/rename', { ...at, newName: 'lead' }), /'lead' is already declared as a human/);
    assert.match(await refusal('textDocument/rename', { ...at, newName: 'smart' }), /'smart' is already declared in models\.agentgraph as a model/);
    assert.match(await refusal('textDocument/rename', { ...at, newName: 'case' }), /built-in name/);
    // Field and parameter clashes.
    assert.match(await refusal('textDocument/rename', { ...c.at(main, nth(MAIN, 'category:')), newName: 'confidence' }), /already has a field named 'confidence'/);
    const graphParam = c.at(main, nth(MAIN, 'Support(ticket') + 'Support('.length);
    assert.match(await refusal('textDocument/rename', { ...graphParam, newName: 'classify' }), /already a node of graph 'Support'/);
    // A node name that a graph parameter already uses.
    assert.match(await refusal('textDocument/rename', { ...c.at(main, nth(MAIN, 'agent classify') + 7), newName: 'ticket' }), /already has a parameter or loop variable named 'ticket'/);
    // The server is still fine, and readWorkspace shows nothing was written.
    assert.equal(readWorkspace(c, 'main.agentgraph'), MAIN);
  });
});

test('renaming a parameter also renames it inside the prompt files of its agent', async () => {
  const spec = `${MAIN}\nagent writer(ticket: Ticket) -> Draft { model: smart, prompt: file("prompts/writer.md") }\n`;
  const prompt = 'Write to {{ticket.subject}}.\nQuote {{ ticket.body }} and {{other}}.\n';
  await withClient(
    async (c) => {
      const main = await c.open('main.agentgraph', spec);
      const at = nth(spec, 'writer(ticket') + 'writer('.length;
      const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...c.at(main, at), newName: 'req' });
      const md = c.uri('prompts/writer.md');
      const after = applyEdit(edit, new Map([[main, spec], [md, prompt]]));
      assert.equal(after.get(md), 'Write to {{req.subject}}.\nQuote {{ req.body }} and {{other}}.\n');
      assert.match(after.get(main)!, /agent writer\(req: Ticket\)/);
    },
    { files: { 'models.agentgraph': MODELS, 'main.agentgraph': MAIN, 'prompts/writer.md': prompt } },
  );
});

test('rename answers with plain changes when the client cannot take document changes', async () => {
  await withClient(
    async (c) => {
      const main = await c.open('main.agentgraph', MAIN);
      const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...c.at(main, nth(MAIN, 'human lead') + 'human '.length), newName: 'person' });
      assert.equal(edit.documentChanges, undefined);
      assert.equal(edit.changes?.[main]?.length, (MAIN.match(/\blead\b/g) ?? []).length);
    },
    { capabilities: { workspace: { workspaceEdit: { documentChanges: false } } } },
  );
});
