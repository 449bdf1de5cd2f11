// Collects the diagnostics of one parse. It enforces the "one error per position" rule for the
// lexer, the parser and every template sub-parser at once: whichever reports first at an offset
// wins, and later reports at the same offset are dropped.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SyntaxCode } from './codes.ts';

export class DiagSink {
  readonly list: Diagnostic[] = [];
  private readonly usedStarts = new Set<number>();

  /** Records an error unless one already starts at `start`; returns whether it was recorded. */
  add(code: SyntaxCode, message: string, start: number, end: number): boolean {
    if (this.usedStarts.has(start)) return false;
    this.usedStarts.add(start);
    this.list.push({ code, severity: 'error', message, start, end: end < start ? start : end });
    return true;
  }

  /** The diagnostics ordered by position (lexer and parser report in separate passes). */
  sorted(): Diagnostic[] {
    // Array.prototype.sort is stable, so equal starts (impossible here) would keep report order.
    return this.list.slice().sort((a, b) => a.start - b.start);
  }
}
