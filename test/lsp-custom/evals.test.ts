// `agentgraph/evals` through a real LSP connection: the evals of a spec with their assertions and
// ranges, inline cases with their ranges in the spec, dataset rows (JSONL and CSV) with their
// lines, unsaved dataset edits, and a dataset outside the workspace that is refused.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EVALS_METHOD, type EvalsResult } from '../../server/src/lsp/custom/protocol.ts';
import { LspClient, textOf } from '../helpers/lsp-client.ts';

const SPEC = `type T { id: string, text: string }
model fast = openai("gpt-4o-mini") { max_tokens: 100 }
agent echo(t: T) -> T { model: fast, prompt: "Echo {{t.text}}" }
graph Echo(t: T) -> T {
  start -> echo(t)
  echo -> end(echo)
}

eval inline_and_rows for Echo {
  cases: [
    { t: { id: "a", text: "first" }, want: "first" },
    { id: "named", t: { id: "b", text: "second" }, want: "second" }
  ]
  dataset: "data/rows.jsonl"
  assert echo.text == case.want
  assert run.cost < $0.05
}

eval from_csv for Echo {
  dataset: "data/rows.csv"
  pass_rate: 0.5
  assert len(output.text) > 0
}

eval escapes for Echo {
  dataset: "../outside.jsonl"
  assert run.steps < 3
}
`;

const JSONL = `{"id": "row-1", "t": {"id": "x", "text": "hello"}, "want": "hello"}

{"t": {"id": "y", "text": "bye"}, "want": "bye"}
`;

const CSV = `t,want
"{""id"": ""c1"", ""text"": ""one""}","first
second"
"{""id"": ""c2"", ""text"": ""two""}",two
`;

describe('agentgraph/evals', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.inProcess({ files: { 'spec.agentgraph': SPEC, 'data/rows.jsonl': JSONL, 'data/rows.csv': CSV } });
    // A real file next to the workspace folder, so "outside" is not merely "missing".
    writeFileSync(path.join(path.dirname(client.root), 'outside.jsonl'), '{"t": {"id": "o", "text": "o"}}\n');
  });
  after(async () => {
    rmSync(path.join(path.dirname(client.root), 'outside.jsonl'), { force: true });
    await client.dispose();
  });

  const request = (uri: string) => client.connection.sendRequest<EvalsResult>(EVALS_METHOD, { uri });

  test('every eval with its graph, block and name ranges, thresholds and assertions', async () => {
    const uri = await client.open('spec.agentgraph', SPEC);
    const r = await request(uri);
    assert.equal(r.uri, uri);
    assert.deepEqual(
      r.evals.map((e) => [e.name, e.graph, e.repeat, e.passRate]),
      [
        ['inline_and_rows', 'Echo', 1, 1],
        ['from_csv', 'Echo', 1, 0.5],
        ['escapes', 'Echo', 1, 1],
      ],
    );
    const first = r.evals[0]!;
    assert.equal(first.range.file, client.path('spec.agentgraph'));
    assert.equal(first.range.start.line, 8);
    assert.equal(first.range.end.line, 16);
    assert.equal(textOf(SPEC, first.nameRange), 'inline_and_rows');
    assert.deepEqual(
      first.asserts.map((a) => [a.text, a.range.start.line, textOf(SPEC, a.range)]),
      [
        ['echo.text == case.want', 14, 'assert echo.text == case.want'],
        ['run.cost < $0.05', 15, 'assert run.cost < $0.05'],
      ],
    );
  });

  test('inline cases first (ranges in the spec), then dataset rows with their lines; ids follow `--case`', async () => {
    const uri = await client.open('spec.agentgraph', SPEC);
    const ev = (await request(uri)).evals[0]!;
    assert.equal(ev.datasetError, undefined);
    assert.equal(ev.dataset, client.path('data/rows.jsonl'));
    assert.deepEqual(
      ev.cases.map((c) => [c.index, c.id, c.kind, c.range.file, c.range.start.line]),
      [
        [0, '1', 'inline', client.path('spec.agentgraph'), 10],
        [1, 'named', 'inline', client.path('spec.agentgraph'), 11],
        [2, 'row-1', 'dataset', client.path('data/rows.jsonl'), 0],
        // The blank line is skipped, as the runner does, but the line number stays the file's.
        [3, '4', 'dataset', client.path('data/rows.jsonl'), 2],
      ],
    );
    assert.equal(textOf(SPEC, ev.cases[0]!.range), '{ t: { id: "a", text: "first" }, want: "first" }');
    assert.equal(ev.cases[1]!.label, 'named');
    assert.equal(ev.cases[0]!.label, 'a, want: first');
    assert.equal(ev.cases[3]!.range.end.character, JSONL.split('\n')[2]!.length);
  });

  test('CSV rows start on the line of their record, even after a quoted line break', async () => {
    const uri = await client.open('spec.agentgraph', SPEC);
    const ev = (await request(uri)).evals[1]!;
    assert.deepEqual(
      ev.cases.map((c) => [c.id, c.range.start.line, c.label]),
      [
        ['1', 1, 'c1, want: first second'],
        ['2', 3, 'c2, want: two'],
      ],
    );
  });

  test('a dataset outside the workspace is refused: no rows read, and the reason is given', async () => {
    const uri = await client.open('spec.agentgraph', SPEC);
    const r = await request(uri);
    const ev = r.evals[2]!;
    assert.deepEqual(ev.cases, []);
    assert.equal(ev.dataset, undefined);
    assert.match(ev.datasetError ?? '', /outside the workspace/);
    assert.ok(r.errors >= 1, 'the checker reports the escaping dataset as an error too');
  });

  test('an unsaved edit of the dataset is what the request sees', async () => {
    const uri = await client.open('spec.agentgraph', SPEC);
    await client.open('data/rows.jsonl', `${JSONL}{"id": "new", "t": {"id": "z", "text": "z"}, "want": "z"}\n`, 1, 'jsonl');
    const ev = (await request(uri)).evals[0]!;
    assert.deepEqual(ev.cases.at(-1)?.id, 'new');
    assert.equal(ev.cases.at(-1)?.range.start.line, 3);
    await client.close(client.uri('data/rows.jsonl'));
  });

  test('a broken dataset row lists no rows and says which line', async () => {
    await client.writeFile('data/rows.csv', 't,want\n"{}",x,extra\n');
    const uri = await client.open('spec.agentgraph', SPEC);
    const ev = (await request(uri)).evals[1]!;
    assert.deepEqual(ev.cases, []);
    assert.match(ev.datasetError ?? '', /row 2 has 3 fields/);
    await client.writeFile('data/rows.csv', CSV);
  });
});
