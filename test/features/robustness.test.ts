// The features never throw: every example at many offsets, and half-typed prefixes of them (what
// an editor sees while a spec is being written).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { complete } from '../../server/src/features/completion.ts';
import { formatEdits } from '../../server/src/features/format.ts';
import { hover } from '../../server/src/features/hover.ts';
import { inlayHints } from '../../server/src/features/inlay-hints.ts';
import { quickFixes } from '../../server/src/features/quick-fixes.ts';
import { signatureHelp } from '../../server/src/features/signature-help.ts';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { Program } from '../../server/src/semantics/program.ts';

const EXAMPLES = path.resolve('examples');
const files = readdirSync(EXAMPLES).filter((n) => n.endsWith('.agentgraph')).map((n) => path.join(EXAMPLES, n));

function analyse(file: string, text: string) {
  const program = new Program({ readFile: (p) => (p === file ? text : (() => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } })()) }, EXAMPLES);
  return analyzeFile(program, file)!;
}

const listDir = () => [{ name: 'prompts', dir: true }, { name: 'a.md', dir: false }];

for (const file of files) {
  test(`features on ${path.basename(file)}: every 5th offset, no exceptions`, () => {
    const text = readFileSync(file, 'utf8');
    const a = analyse(file, text);
    let items = 0;
    for (let o = 0; o <= text.length; o += 5) {
      items += complete(a, text, o, { listDir }).items.length;
      hover(a, o);
      signatureHelp(a, text, o);
    }
    assert.ok(items > 0);
    inlayHints(a);
    assert.ok(formatEdits(text));
  });

  test(`features on half-typed prefixes of ${path.basename(file)}`, () => {
    const text = readFileSync(file, 'utf8');
    for (let k = 1; k <= 24; k++) {
      const cut = Math.floor((text.length * k) / 25);
      const prefix = text.slice(0, cut);
      const a = analyse(file, prefix);
      complete(a, prefix, cut, { listDir });
      complete(a, prefix, cut, { listDir, triggerCharacter: ' ' });
      hover(a, cut - 1);
      signatureHelp(a, prefix, cut);
      inlayHints(a);
      formatEdits(prefix);
      quickFixes(a, a.diagnostics);
      // And the full text completed from the prefix's (older) analysis.
      complete(a, text, cut, { listDir });
    }
  });
}
