// The one helper behind data-driven checker tests. A fixture is an `.agentgraph` text whose
// expected diagnostics are written inline, under the line they point at:
//
//     classify -> billing(ticket) when classify.category == "biling"
//     //                                                     ^^^^^^^^ error AG3002: not a possible value
//
// The carets give the columns; the text after the code (optional) must occur in the message. A
// fixture may hold several files, each introduced by `// --- file: relative/path`; lines before the
// first marker belong to `main.agentgraph`. With UPDATE_SNAPSHOTS=1 the helper rewrites the
// annotations from what the checker reports (review the diff before committing it).

import * as path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { Program } from '../../server/src/semantics/program.ts';
import { analyzeFile, type Analysis } from '../../server/src/semantics/analyze.ts';
import type { Diagnostic } from '../../server/src/diagnostics/diagnostic.ts';
import { LineIndex } from '../../server/src/util/line-index.ts';

export const FIXTURE_ROOT = '/fixture';
// `//   ^^^ error AG1234: text`; a diagnostic in column 0 or 1 is written `//^^^@0 error …`.
const ANNOTATION = /^(\s*)\/\/(\s*)(\^+)(?:@(\d+))?\s+(error|warning|info|hint)\s+(AG\d{4})(?::\s*(.*))?$/;
const FILE_MARKER = /^\/\/ --- file: (.+)$/;

export interface Expectation {
  file: string;
  line: number;
  character: number;
  length: number;
  severity: string;
  code: string;
  message?: string;
}

/** Splits a fixture into files (relative path → text). */
export function splitFixture(text: string, mainName = 'main.agentgraph'): Map<string, string> {
  const files = new Map<string, string>();
  let current = mainName;
  let lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = FILE_MARKER.exec(line);
    if (m) {
      if (lines.length || current !== mainName) files.set(current, lines.join('\n'));
      current = m[1]!.trim();
      lines = [];
      continue;
    }
    lines.push(line);
  }
  files.set(current, lines.join('\n'));
  return files;
}

export function parseExpectations(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split('\n');
  let target = -1;
  for (let i = 0; i < lines.length; i++) {
    const m = ANNOTATION.exec(lines[i]!);
    if (!m) {
      target = i;
      continue;
    }
    const caretCol = m[4] !== undefined ? Number(m[4]) : m[1]!.length + 2 + m[2]!.length;
    out.push({ file, line: target, character: caretCol, length: m[3]!.length, severity: m[5]!, code: m[6]!, message: m[7]?.trim() || undefined });
  }
  return out;
}

export interface FixtureResult {
  files: Map<string, string>;
  analyses: Map<string, Analysis>;
  diagnostics: (Diagnostic & { rel: string })[];
}

/**
 * An in-memory workspace. Every `.agentgraph` file in `files` is analysed; `readable` files (such
 * as sibling specs a fixture imports) can be read but are not analysed themselves.
 */
export function analyzeFixture(files: Map<string, string>, readable: Map<string, string> = new Map()): FixtureResult {
  const abs = new Map([...readable, ...files].map(([rel, text]) => [path.join(FIXTURE_ROOT, rel), text]));
  const program = new Program({ readFile: (p) => abs.get(p) }, FIXTURE_ROOT);
  const analyses = new Map<string, Analysis>();
  const diagnostics: FixtureResult['diagnostics'] = [];
  for (const rel of files.keys()) {
    if (!rel.endsWith('.agentgraph')) continue;
    const a = analyzeFile(program, path.join(FIXTURE_ROOT, rel));
    if (!a) continue;
    analyses.set(rel, a);
    for (const d of a.diagnostics) diagnostics.push({ ...d, rel });
  }
  return { files, analyses, diagnostics };
}

function toExpectation(d: FixtureResult['diagnostics'][number], text: string): Expectation {
  const idx = new LineIndex(text);
  const s = idx.positionAt(d.start);
  const e = idx.positionAt(d.end);
  const lineText = text.split('\n')[s.line] ?? '';
  const length = e.line === s.line ? Math.max(1, e.character - s.character) : Math.max(1, lineText.replace(/\r$/, '').length - s.character);
  return { file: d.rel, line: s.line, character: s.character, length, severity: d.severity, code: d.code, message: d.message };
}

function key(e: Expectation): string {
  return `${e.file}:${e.line + 1}:${e.character + 1}+${e.length} ${e.severity} ${e.code}`;
}

/** Renders the fixture text with annotations for the given diagnostics (used for diffs and updates). */
export function annotate(text: string, exps: Expectation[], withMessages = true): string {
  const lines = text.split('\n').filter((l) => !ANNOTATION.test(l));
  // Re-map expectation lines: they refer to the original text, which had annotation lines too.
  const orig = text.split('\n');
  const newIndex: number[] = [];
  let n = 0;
  for (const l of orig) {
    newIndex.push(n);
    if (!ANNOTATION.test(l)) n++;
  }
  const byLine = new Map<number, Expectation[]>();
  for (const e of exps) {
    const l = newIndex[e.line] ?? 0;
    const list = byLine.get(l) ?? [];
    list.push(e);
    byLine.set(l, list);
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    for (const e of (byLine.get(i) ?? []).sort((a, b) => a.character - b.character)) {
      const col = Math.max(2, e.character);
      const pad = ' '.repeat(col - 2);
      // Annotations start with `//` and put the carets at the diagnostic's column.
      const msg = withMessages && e.message ? `: ${e.message}` : '';
      out.push(e.character >= 2 ? `//${pad}${'^'.repeat(e.length)} ${e.severity} ${e.code}${msg}` : `//${'^'.repeat(e.length)}@${e.character} ${e.severity} ${e.code}${msg}`);
    }
  });
  return out.join('\n');
}

/**
 * Checks a fixture file (or text) against its inline expectations. Returns a list of problems;
 * an empty list means the checker reported exactly what the fixture expects.
 */
export function checkFixture(fixturePath: string, extraFiles: Map<string, string> = new Map()): { problems: string[]; result: FixtureResult } {
  const raw = readFileSync(fixturePath, 'utf8');
  const files = splitFixture(raw, path.basename(fixturePath));
  const result = analyzeFixture(files, extraFiles);
  const expected: Expectation[] = [];
  for (const [rel, text] of files) expected.push(...parseExpectations(rel, text));
  const actual = result.diagnostics.map((d) => toExpectation(d, files.get(d.rel) ?? ''));

  if (process.env.UPDATE_SNAPSHOTS === '1') {
    // Rewrite each file's annotations, keeping messages short: the first sentence, at most 90 characters.
    const rewritten: string[] = [];
    const names = [...splitFixture(raw, path.basename(fixturePath)).keys()];
    names.forEach((rel, i) => {
      const text = files.get(rel)!;
      const mine = actual.filter((a) => a.file === rel).map((a) => ({ ...a, message: a.message?.split(/\. |; /)[0]?.slice(0, 90).trim() }));
      const body = annotate(text, mine);
      rewritten.push(i === 0 ? body : `// --- file: ${rel}\n${body}`);
    });
    writeFileSync(fixturePath, rewritten.join('\n'));
    return { problems: [], result };
  }

  const problems: string[] = [];
  const actualKeys = new Map(actual.map((a) => [key(a), a]));
  const expectedKeys = new Map(expected.map((e) => [key(e), e]));
  for (const [k, e] of expectedKeys) {
    const a = actualKeys.get(k);
    if (!a) problems.push(`missing: ${k}${e.message ? ` (${e.message})` : ''}`);
    else if (e.message && !a.message?.includes(e.message)) problems.push(`message of ${k}: expected to contain ${JSON.stringify(e.message)}, got ${JSON.stringify(a.message)}`);
  }
  for (const [k, a] of actualKeys) if (!expectedKeys.has(k)) problems.push(`unexpected: ${k}: ${a.message}`);
  if (problems.length) {
    const mainRel = [...files.keys()][0]!;
    problems.push('--- actual diagnostics rendered inline (first file):\n' + annotate(files.get(mainRel)!, actual.filter((a) => a.file === mainRel)));
  }
  return { problems, result };
}
