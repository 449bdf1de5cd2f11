// Sucrase removes every `namespace` (and `module X {}`) block as if it held only types. One that
// declares values (`namespace N { export const a = 1 }`) would silently vanish and fail later as
// "N is not defined", so such blocks are found here first and reported where they are written.
// Type-only namespaces and everything under `declare` are fine and are removed as before.

import { parse } from 'sucrase/dist/parser/index.js';
import { ContextualKeyword } from 'sucrase/dist/parser/tokenizer/keywords.js';
import { TokenType } from 'sucrase/dist/parser/tokenizer/types.js';
import type { Token } from 'sucrase/dist/parser/tokenizer/index.js';

/** Keywords that start a declaration of a run-time value. */
const VALUE_KEYWORDS = new Set([TokenType._const, TokenType._let, TokenType._var, TokenType._function, TokenType._class, TokenType._enum]);

/** Where a namespace that holds values starts (its keyword's offset), and its name. */
export interface ValueNamespace {
  pos: number;
  name: string;
}

/** The first namespace of `source` that declares run-time values, if any. */
export function findValueNamespace(source: string, tsx: boolean): ValueNamespace | undefined {
  if (!/\b(?:namespace|module)\b/.test(source)) return undefined;
  const tokens = parse(source, tsx, true, false).tokens;
  for (let i = 0; i < tokens.length; i++) {
    const declared = skipDeclare(tokens, i);
    if (declared !== i) {
      i = declared;
      continue;
    }
    if (!isNamespaceStart(tokens, i)) continue;
    const open = tokens.findIndex((t, j) => j > i && t.type === TokenType.braceL);
    const close = matchingBrace(tokens, open);
    for (let j = open + 1; j < close; j++) {
      const inner = skipDeclare(tokens, j);
      if (inner !== j) {
        j = inner;
        continue;
      }
      const t = tokens[j]!;
      const isValue = VALUE_KEYWORDS.has(t.type) || (t.type === TokenType.name && t.contextualKeyword === ContextualKeyword._enum);
      if (isValue && tokens[j - 1]?.type !== TokenType._declare) {
        const name = tokens[i + 1]!;
        return { pos: tokens[i]!.start, name: source.slice(name.start, name.end) };
      }
    }
    i = close;
  }
  return undefined;
}

/** `namespace N` / `module N` (not `module "x"`, an ambient module, which is types only). */
function isNamespaceStart(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  if (t.type !== TokenType.name || !t.isType) return false;
  if (t.contextualKeyword !== ContextualKeyword._namespace && t.contextualKeyword !== ContextualKeyword._module) return false;
  return tokens[i + 1]?.type === TokenType.name;
}

/** After `declare namespace|module|global … { … }` starting at i, the index of its `}`; else i. */
function skipDeclare(tokens: Token[], i: number): number {
  if (tokens[i]?.type !== TokenType._declare) return i;
  const next = tokens[i + 1];
  const kw = next?.contextualKeyword;
  if (next?.type !== TokenType.name || (kw !== ContextualKeyword._namespace && kw !== ContextualKeyword._module && kw !== ContextualKeyword._global)) return i;
  const open = tokens.findIndex((t, j) => j > i && (t.type === TokenType.braceL || t.type === TokenType.semi));
  if (open < 0 || tokens[open]!.type !== TokenType.braceL) return Math.max(open, i + 1);
  return matchingBrace(tokens, open);
}

/** The index of the `}` closing the `{` at `open` (the last token when it is never closed). */
function matchingBrace(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const type = tokens[j]!.type;
    if (type === TokenType.braceL || type === TokenType.dollarBraceL) depth++;
    else if (type === TokenType.braceR && --depth === 0) return j;
  }
  return tokens.length - 1;
}
