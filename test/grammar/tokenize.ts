// Loads syntaxes/agentgraph.tmLanguage.json with vscode-textmate and the Oniguruma WASM build (the
// same engine VS Code uses) and tokenizes text into lines of (text, scopes). Markdown inside
// prompt strings comes from a small stand-in grammar by default, so snapshots do not depend on the
// VS Code installed; pass `markdownGrammar` to use the real one.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

export const ROOT = path.resolve(__dirname, '../..');
export const GRAMMAR_PATH = path.join(ROOT, 'syntaxes/agentgraph.tmLanguage.json');
export const MARKDOWN_STUB_PATH = path.join(ROOT, 'test/grammar/markdown-stub.tmLanguage.json');

let onigReady: Promise<void> | undefined;

function loadOniguruma(): Promise<void> {
  onigReady ??= (async () => {
    const wasm = readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  return onigReady;
}

export interface Token {
  text: string;
  /** Scopes from outermost to innermost, without the root `source.agentgraph`. */
  scopes: string[];
}

export interface Tokenized {
  lines: { text: string; tokens: Token[] }[];
  /** Depth of the rule stack after the last line (1: every region was closed). */
  finalDepth: number;
}

export interface Tokenizer {
  tokenize(text: string): Tokenized;
}

export async function loadTokenizer(options: { markdownGrammar?: string } = {}): Promise<Tokenizer> {
  await loadOniguruma();
  const files: Record<string, string> = {
    'source.agentgraph': GRAMMAR_PATH,
    'text.html.markdown': options.markdownGrammar ?? MARKDOWN_STUB_PATH,
  };
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files[scopeName];
      if (!file) return null; // Grammars the real Markdown grammar embeds (CSS, JS, …) are not needed here.
      return textmate.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('source.agentgraph');
  if (!grammar) throw new Error('could not load source.agentgraph');
  return {
    tokenize(text: string): Tokenized {
      let state = textmate.INITIAL;
      const lines: Tokenized['lines'] = [];
      for (const line of text.split(/\r?\n/)) {
        const r = grammar.tokenizeLine(line, state);
        const tokens = r.tokens.map((t, i) => ({
          text: line.slice(t.startIndex, r.tokens[i + 1]?.startIndex ?? line.length),
          scopes: t.scopes.slice(1),
        }));
        lines.push({ text: line, tokens });
        state = r.ruleStack;
      }
      return { lines, finalDepth: state.depth };
    },
  };
}

/** A readable snapshot: each line, then one row per token: the token text and its scopes. */
export function formatSnapshot(t: Tokenized): string {
  const out: string[] = [];
  t.lines.forEach((line, i) => {
    out.push(`${String(i + 1).padStart(3, ' ')} | ${line.text}`);
    for (const tok of line.tokens) {
      if (tok.text.trim() === '') continue;
      out.push(`      ${JSON.stringify(tok.text)}  ${tok.scopes.length ? tok.scopes.join(' ') : '-'}`);
    }
  });
  return out.join('\n') + '\n';
}

/** Every token of the text whose scopes include one that starts with `scope`. */
export function tokensWith(t: Tokenized, scope: string): string[] {
  const out: string[] = [];
  for (const l of t.lines) for (const tok of l.tokens) if (tok.scopes.some((s) => s === scope || s.startsWith(scope + '.'))) out.push(tok.text);
  return out;
}
