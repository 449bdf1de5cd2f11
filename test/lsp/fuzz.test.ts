// Fuzzing through the protocol: hundreds of random edits (typing, deleting, pasting pieces of the
// example specs) on an open document, sent as incremental changes in bursts. After every burst the
// server must still answer requests; at the end, its published diagnostics for the final version
// must equal a fresh analysis of the final text. Seeded, so a failure is reproducible:
// FUZZ_SEED=123 node scripts/test.mjs fuzz

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { Program } from '../../server/src/semantics/program.ts';
import { nodeFileSystem } from '../../server/src/lsp/workspace.ts';
import { LineIndex } from '../../server/src/util/line-index.ts';
import { LspClient } from '../helpers/lsp-client.ts';
import { MAIN, MODELS } from './spec-fixtures.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const EXAMPLES = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.agentgraph'))
  .map((f) => readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'));
const TOKENS = ['agent ', 'graph ', 'type ', '->', '{{', '}}', '"""', '"', 'when ', 'otherwise', ' max 2', '{', '}', '(', ')', '[', ']', ':', ',', '.', '\n', '  ', 'ticket', 'classify', '$0.5', '5s', '==', '!', '//', '/*', '*/', '\\', 'é', '😀'];
const SEED = Number(process.env.FUZZ_SEED ?? 20250101);
const BURSTS = 25;
const EDITS_PER_BURST = 14;

interface Edit {
  start: number;
  end: number;
  text: string;
}

function randomEdit(r: () => number, text: string): Edit {
  const pos = Math.floor(r() * (text.length + 1));
  const p = r();
  if (text.length > 12_000 || (p < 0.3 && text.length > 0)) {
    const len = Math.min(text.length - pos, 1 + Math.floor(r() * 25));
    return { start: pos, end: pos + Math.max(0, len), text: '' };
  }
  if (p < 0.6) return { start: pos, end: pos, text: TOKENS[Math.floor(r() * TOKENS.length)]! };
  if (p < 0.8) {
    const chars = 'abcxyz_019 \n{}()"=<>-';
    return { start: pos, end: pos, text: chars[Math.floor(r() * chars.length)]! };
  }
  const src = EXAMPLES[Math.floor(r() * EXAMPLES.length)]!;
  const from = Math.floor(r() * src.length);
  const len = 1 + Math.floor(r() * 200);
  const end = Math.min(text.length, pos + Math.floor(r() * 10));
  return { start: pos, end, text: src.slice(from, from + len) };
}

/** A random edit never splits a surrogate pair (editors do not either). */
function safe(text: string, e: Edit): Edit {
  const fix = (o: number) => (o > 0 && o < text.length && text.charCodeAt(o) >= 0xdc00 && text.charCodeAt(o) <= 0xdfff ? o - 1 : o);
  return { start: fix(e.start), end: Math.max(fix(e.start), fix(e.end)), text: e.text };
}

test(`random edits through the protocol keep the server responsive and consistent (seed ${SEED})`, { timeout: 120_000 }, async () => {
  const r = rng(SEED);
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 3 } });
  try {
    const uri = await c.open('main.agentgraph', MAIN);
    let text = MAIN;
    let version = 1;
    let edits = 0;
    for (let burst = 0; burst < BURSTS; burst++) {
      for (let i = 0; i < EDITS_PER_BURST; i++) {
        // Sometimes several changes in one notification, as multi-cursor editing sends them.
        const n = r() < 0.2 ? 2 + Math.floor(r() * 3) : 1;
        const batch: Edit[] = [];
        let t = text;
        for (let k = 0; k < n; k++) {
          const e = safe(t, randomEdit(r, t));
          batch.push(e);
          t = t.slice(0, e.start) + e.text + t.slice(e.end);
        }
        version = await c.change(uri, batch);
        text = t;
        edits += n;
      }
      assert.equal(c.text(uri), text);
      // Still responsive after the burst: every request answers (possibly emptily).
      const at = c.at(uri, Math.floor(r() * (text.length + 1)));
      const answers = [
        c.request('textDocument/documentSymbol', { textDocument: { uri } }),
        c.request('textDocument/definition', at),
        c.request('textDocument/semanticTokens/full', { textDocument: { uri } }),
        c.request('textDocument/foldingRange', { textDocument: { uri } }),
        c.request('textDocument/selectionRange', { textDocument: { uri }, positions: [at.position] }),
      ];
      if (c.capabilities.hoverProvider) answers.push(c.request('textDocument/hover', at));
      const results = await Promise.all(answers);
      assert.notEqual(results[0], null, 'the outline answers');
    }
    assert.ok(edits >= 300, `${edits} edits`);

    const pub = await c.waitForDiagnostics(uri, version, { timeout: 20_000 });
    // A fresh analysis of the final text, with the imported file from disk.
    const file = c.path('main.agentgraph');
    const program = new Program({ readFile: (p) => (p === file ? text : nodeFileSystem.readFile(p)) }, c.root);
    const fresh = analyzeFile(program, file)!;
    const lines = new LineIndex(text);
    const expected = fresh.diagnostics.filter((d) => d.file === undefined || d.file === file).map((d) => ({ code: d.code, message: d.message, range: { start: lines.positionAt(d.start), end: lines.positionAt(d.end) } }));
    const actual = pub.diagnostics.map((d: Diagnostic) => ({ code: d.code, message: d.message, range: d.range }));
    assert.deepEqual(actual, expected);
    assert.ok(!c.logs.some((l) => l.startsWith('[error]')), c.logs.filter((l) => l.startsWith('[error]')).join('\n'));
  } finally {
    await c.dispose();
  }
});
