// TypeScript → JavaScript for tool implementations, in pure JavaScript (sucrase), so the packaged
// extension and the CLI load `.ts` tools without tsx, node_modules or a native binary. Types are
// removed and enums become objects; ES syntax is left as it is (Node 20 runs it), `import` and
// `export` stay ESM except in `.cts` files, and every line stays on its line, so stack traces
// name the right .ts line even without source maps. An inline source map is added for debuggers
// and `--enable-source-maps`, which then also get the columns right.
//
// Not supported (sucrase's limits): `namespace`/`module` blocks with run-time values (reported as
// an error, see namespaces.ts; type-only ones are fine), decorators are left as they are (Node 20 cannot run them), and
// `const enum` is emitted as an ordinary enum object (which behaves the same at run time).

import { transform } from 'sucrase';
import { findValueNamespace } from './namespaces.ts';

/** A syntax error in a TypeScript file, with its location (1-based line and column). */
export class TypeScriptSyntaxError extends SyntaxError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'SyntaxError';
  }
}

export interface TransformedModule {
  /** JavaScript with an inline source map pointing at the TypeScript file. */
  code: string;
  format: 'module' | 'commonjs';
}

/** The module format a TypeScript file compiles to: `.cts` is CommonJS, everything else ESM. */
export function formatOf(file: string): 'module' | 'commonjs' {
  return /\.cts$/i.test(file) ? 'commonjs' : 'module';
}

/**
 * Compiles one TypeScript file. `file` is its path (for messages and the source map); `.tsx`
 * files also get JSX compiled for the automatic React runtime.
 */
export function transformTypeScript(source: string, file: string): TransformedModule {
  const format = formatOf(file);
  const tsx = /\.tsx$/i.test(file);
  const transforms: ('typescript' | 'jsx' | 'imports')[] = ['typescript'];
  if (tsx) transforms.push('jsx');
  if (format === 'commonjs') transforms.push('imports');
  let result: ReturnType<typeof transform>;
  try {
    result = transform(source, {
      transforms,
      disableESTransforms: true,
      jsxRuntime: 'automatic',
      production: true,
      filePath: file,
      sourceMapOptions: { compiledFilename: baseName(file) },
    });
  } catch (err) {
    throw asSyntaxError(err, source, file);
  }
  const ns = findValueNamespace(source, tsx);
  if (ns) {
    const at = location(source, ns.pos);
    throw new TypeScriptSyntaxError(file, at.line, at.column, `namespace '${ns.name}' declares values, which the TypeScript loader does not support; export them from the module instead`);
  }
  let code = result.code;
  if (result.sourceMap) {
    const map = { ...result.sourceMap, sources: [file], sourcesContent: [source] };
    code += `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  }
  return { code, format };
}

/** Sucrase's errors carry the offset of the problem; they become `file:line:column: reason`. */
function asSyntaxError(err: unknown, source: string, file: string): Error {
  if (!(err instanceof Error)) return new Error(`${file}: ${String(err)}`);
  const pos = (err as { pos?: unknown }).pos;
  if (typeof pos !== 'number') return new Error(`${file}: ${err.message}`);
  const { line, column } = location(source, pos);
  // Sucrase names the file first and appends "(line:column)"; both are given once, up front.
  const prefix = `Error transforming ${file}: `;
  const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  const reason = message.replace(/\s*\(\d+:\d+\)\s*$/, '');
  return new TypeScriptSyntaxError(file, line, column, reason);
}

/** The 1-based line and column of an offset. */
function location(source: string, pos: number): { line: number; column: number } {
  const before = source.slice(0, pos);
  return { line: before.split('\n').length, column: pos - (before.lastIndexOf('\n') + 1) + 1 };
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
