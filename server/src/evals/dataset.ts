// Eval cases: inline `cases`, or a dataset file (JSONL: one JSON object a line; CSV: a header row
// then one row a case, RFC 4180 quoting). Dataset paths must stay inside the workspace root. CSV
// cells that read as JSON numbers, booleans, null, objects or lists become those values.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EvalIR } from '../ir/schema.ts';

export type Case = Record<string, unknown>;

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** RFC 4180: fields separated by commas, quoted with `"`, `""` inside quotes, CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new DatasetError('unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function cellValue(cell: string): unknown {
  const t = cell.trim();
  if (/^(true|false|null)$/.test(t) || /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t) || /^[[{]/.test(t)) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return cell;
    }
  }
  return cell;
}

export function csvCases(text: string): Case[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) return [];
  return rows.slice(1).map((r, n) => {
    if (r.length !== header.length) throw new DatasetError(`row ${n + 2} has ${r.length} fields, the header has ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h.trim(), cellValue(r[i] ?? '')]));
  });
}

export function jsonlCases(text: string): Case[] {
  return jsonlRows(text).map((r) => r.row);
}

/** JSONL rows with their 1-based line numbers. */
export function jsonlRows(text: string): { row: Case; line: number }[] {
  const out: { row: Case; line: number }[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new DatasetError(`line ${n + 1}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DatasetError(`line ${n + 1}: a case must be a JSON object`);
    out.push({ row: v as Case, line: n + 1 });
  });
  return out;
}

/** Is `file` inside `root` (after resolving `..`)? */
export function insideRoot(file: string, root: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The cases of an eval: inline ones first, then the dataset's. Throws DatasetError. */
export function loadCases(ev: EvalIR, root: string): Case[] {
  return loadCaseEntries(ev, root).map((c) => c.input);
}

/** A case with the names a user can select it by and where it is written. */
export interface CaseEntry {
  input: Case;
  /** 1-based position in inline-then-dataset order. */
  number: number;
  /** The row's `id` field when it has a string or number one, else its number: what `--case` matches. */
  id: string;
  /** The dataset file (line of the row; for CSV the line its record starts on) or the spec (inline). */
  source: { file: string; line: number; kind: 'inline' | 'dataset' };
}

/** CSV records with the 1-based line each starts on (quoted fields may span lines). */
function csvLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (atStart && c !== '\n' && c !== '\r') {
      lines.push(line);
      atStart = false;
    }
    if (c === '"') quoted = !quoted;
    else if (c === '\n') {
      line++;
      if (!quoted) atStart = true;
    }
  }
  return lines.slice(1);
}

/**
 * The rows of a dataset file (CSV when its name ends in .csv, else JSONL) with the 1-based line each
 * starts on. The runner and the editor's Test Explorer both read datasets through this, so they
 * agree on the rows and where they are written. Throws DatasetError.
 */
export function datasetRows(file: string, text: string): { row: Case; line: number }[] {
  if (!file.toLowerCase().endsWith('.csv')) return jsonlRows(text);
  const lines = csvLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return csvCases(text).map((row, i) => ({ row, line: lines[i] ?? i + 2 }));
}

function caseId(input: Case, number: number): string {
  const id = input.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : String(number);
}

/** Like loadCases, with each case's id and source location. Throws DatasetError. */
export function loadCaseEntries(ev: EvalIR, root: string): CaseEntry[] {
  const out: CaseEntry[] = [];
  const push = (input: Case, source: CaseEntry['source']) => {
    const number = out.length + 1;
    out.push({ input, number, id: caseId(input, number), source });
  };
  (ev.cases ?? []).forEach((c, i) => {
    const r = ev.caseRanges?.[i];
    push(c, { file: r?.file ?? ev.range.file, line: (r ?? ev.range).start.line + 1, kind: 'inline' });
  });
  if (ev.dataset) {
    if (!insideRoot(ev.dataset, root)) throw new DatasetError(`the dataset ${ev.dataset} is outside the workspace root ${root}`);
    let text: string;
    try {
      text = readFileSync(ev.dataset, 'utf8');
    } catch (err) {
      throw new DatasetError(`cannot read the dataset ${ev.dataset}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const file = ev.dataset;
    try {
      for (const r of datasetRows(file, text)) push(r.row, { file, line: r.line, kind: 'dataset' });
    } catch (err) {
      throw new DatasetError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

/**
 * Picks the cases `--case` names by their ids (the row's `id`, else its 1-based number). Returns
 * the selectors that matched nothing, so the caller can say which one is wrong.
 */
export function selectCases(entries: readonly CaseEntry[], selectors: readonly string[]): { picked: CaseEntry[]; unknown: string[] } {
  const wanted = new Set(selectors);
  const picked = entries.filter((e) => wanted.has(e.id));
  const found = new Set(picked.map((e) => e.id));
  return { picked, unknown: selectors.filter((s) => !found.has(s)) };
}
