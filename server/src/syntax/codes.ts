// Diagnostic codes of the syntax phase (lexer and parser), with a one-line title each. The global
// registry merges these; the messages themselves are written where the errors are detected.

export const SYNTAX_CODES = {
  AG1001: 'Unexpected character',
  AG1002: 'Unterminated string',
  AG1003: 'Unterminated block comment',
  AG1004: 'Expected a specific token',
  AG1005: 'Expected a declaration',
  AG1006: 'Expected an expression',
  AG1007: 'Expected a type',
  AG1008: 'Invalid number or unknown duration unit',
  AG1009: 'Unterminated or empty template reference',
  AG1010: 'Nesting too deep',
} as const;

export type SyntaxCode = keyof typeof SYNTAX_CODES;
