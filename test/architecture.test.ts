// Architecture invariants from ARCHITECTURE.md, enforced by scanning imports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import * as path from 'node:path';

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const CORE = ['server/src/syntax', 'server/src/semantics', 'server/src/checks', 'server/src/ir', 'server/src/catalog', 'server/src/diagnostics', 'server/src/util'];

test('the language core imports no host: no vscode, no LSP, no file system', () => {
  const offenders: string[] = [];
  for (const dir of CORE) {
    for (const f of files(dir)) {
      for (const i of imports(f)) {
        if (/^(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(\/|$)/.test(i) || /^(node:)?(fs|fs\/promises|child_process|net|http|https)$/.test(i)) offenders.push(`${f} imports ${i}`);
        if (i.startsWith('.') && /\/(lsp|cli|runtime)\//.test(path.join(path.dirname(f), i) + '/')) offenders.push(`${f} imports ${i}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('only server/src/lsp imports the language server protocol; only client/ imports vscode', () => {
  const offenders: string[] = [];
  for (const f of [...files('server/src'), ...files('webview')]) {
    for (const i of imports(f)) {
      if (/^vscode-languageserver/.test(i) && !f.startsWith(path.join('server', 'src', 'lsp'))) offenders.push(`${f} imports ${i}`);
      if (i === 'vscode') offenders.push(`${f} imports vscode`);
    }
  }
  assert.deepEqual(offenders, []);
});
