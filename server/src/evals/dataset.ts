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
  const out: Case[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new DatasetError(`line ${n + 1}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DatasetError(`line ${n + 1}: a case must be a JSON object`);
    out.push(v as Case);
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
  const cases: Case[] = [...(ev.cases ?? [])];
  if (ev.dataset) {
    if (!insideRoot(ev.dataset, root)) throw new DatasetError(`the dataset ${ev.dataset} is outside the workspace root ${root}`);
    let text: string;
    try {
      text = readFileSync(ev.dataset, 'utf8');
    } catch (err) {
      throw new DatasetError(`cannot read the dataset ${ev.dataset}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      cases.push(...(ev.dataset.toLowerCase().endsWith('.csv') ? csvCases(text) : jsonlCases(text)));
    } catch (err) {
      throw new DatasetError(`${ev.dataset}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return cases;
}
