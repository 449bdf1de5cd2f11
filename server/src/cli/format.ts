// Printing diagnostics for people and for tools. The core reports UTF-16 offsets; here they become
// zero-based LSP positions (JSON) or one-based `path:line:col` (text, which editors and terminals
// turn into links). Colour is used only when the stream is a terminal and NO_COLOR is unset.

import * as path from 'node:path';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.ts';
import { LineIndex, type Position } from '../util/line-index.ts';

/** A diagnostic placed in a file by line and character, ready to print. */
export interface LocatedDiagnostic {
  /** Absolute path. */
  absFile: string;
  /** Path relative to the current directory, as printed. */
  file: string;
  range: { start: Position; end: Position };
  severity: Severity;
  code: string;
  message: string;
}

/** The JSON shape of `check --format json`: LSP-style zero-based positions. */
export interface JsonDiagnostic {
  file: string;
  range: { start: Position; end: Position };
  severity: Severity;
  code: string;
  message: string;
}

/** Converts offsets to positions; `textOf` returns the text the offsets refer to. */
export class Locator {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(
    private readonly cwd: string,
    private readonly textOf: (absPath: string) => string | undefined,
  ) {}

  private index(absPath: string): LineIndex {
    let idx = this.indexes.get(absPath);
    if (!idx) {
      idx = new LineIndex(this.textOf(absPath) ?? '');
      this.indexes.set(absPath, idx);
    }
    return idx;
  }

  /** Display form of a path: relative to the current directory. */
  display(absPath: string): string {
    return path.relative(this.cwd, absPath) || path.basename(absPath);
  }

  locate(d: Diagnostic, fallbackFile: string): LocatedDiagnostic {
    const absFile = d.file ?? fallbackFile;
    const idx = this.index(absFile);
    return {
      absFile,
      file: this.display(absFile),
      range: { start: idx.positionAt(d.start), end: idx.positionAt(d.end) },
      severity: d.severity,
      code: d.code,
      message: d.message,
    };
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by file, then position, then code; exact duplicates removed. */
export function sortDiagnostics(list: readonly LocatedDiagnostic[]): LocatedDiagnostic[] {
  const sorted = [...list].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.range.end.line - b.range.end.line ||
      a.range.end.character - b.range.end.character ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.message, b.message),
  );
  return sorted.filter((d, i) => {
    const p = sorted[i - 1];
    return !p || p.file !== d.file || p.code !== d.code || p.message !== d.message || p.range.start.line !== d.range.start.line || p.range.start.character !== d.range.start.character || p.range.end.line !== d.range.end.line || p.range.end.character !== d.range.end.character;
  });
}

// ------------------------------------------------------------------ colour

export interface ColorTarget {
  isTTY?: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: ColorTarget, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}

type Paint = (s: string) => string;
const ansi = (open: number, close: number): Paint => (s) => `\u001b[${open}m${s}\u001b[${close}m`;
export interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  blue: Paint;
  green: Paint;
}
const PLAIN: Paint = (s) => s;
export function palette(color: boolean): Palette {
  if (!color) return { bold: PLAIN, dim: PLAIN, red: PLAIN, yellow: PLAIN, blue: PLAIN, green: PLAIN };
  return { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), yellow: ansi(33, 39), blue: ansi(34, 39), green: ansi(32, 39) };
}

function paintSeverity(p: Palette, s: Severity): string {
  switch (s) {
    case 'error':
      return p.bold(p.red(s));
    case 'warning':
      return p.bold(p.yellow(s));
    default:
      return p.bold(p.blue(s));
  }
}

// ------------------------------------------------------------------ formats

/** `path:line:col: severity CODE: message`, one-based, one line per diagnostic. */
export function formatTextLine(d: LocatedDiagnostic, color = false): string {
  const p = palette(color);
  const where = `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
  const message = d.message.replace(/\r?\n/g, ' ');
  return `${p.bold(where)}: ${paintSeverity(p, d.severity)} ${p.dim(d.code)}: ${message}`;
}

export function formatText(list: readonly LocatedDiagnostic[], color = false): string {
  return list.map((d) => `${formatTextLine(d, color)}\n`).join('');
}

export function toJson(d: LocatedDiagnostic): JsonDiagnostic {
  return { file: d.file, range: d.range, severity: d.severity, code: d.code, message: d.message };
}

export function formatJson(list: readonly LocatedDiagnostic[]): string {
  return `${JSON.stringify(list.map(toJson), null, 2)}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function countSeverities(list: readonly LocatedDiagnostic[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of list) c[d.severity]++;
  return c;
}

/** `12 files checked: 3 errors, 1 warning`, or `N files checked: no problems`. */
export function formatSummary(fileCount: number, list: readonly LocatedDiagnostic[], color = false): string {
  const p = palette(color);
  const c = countSeverities(list);
  const parts: string[] = [];
  if (c.error) parts.push(p.red(plural(c.error, 'error')));
  if (c.warning) parts.push(p.yellow(plural(c.warning, 'warning')));
  if (c.info) parts.push(plural(c.info, 'info message'));
  if (c.hint) parts.push(plural(c.hint, 'hint'));
  const head = `${plural(fileCount, 'file')} checked`;
  return `${head}: ${parts.length ? parts.join(', ') : p.green('no problems')}\n`;
}
