// ESM loader hooks that let Node import TypeScript tool implementations (bundled on its own as
// dist/ts-hooks.mjs and registered with `module.register`, so it runs in Node's hooks thread).
// `load` compiles `.ts`, `.mts`, `.cts` and `.tsx` files with transform.ts; `resolve` follows
// TypeScript's import conventions for imports made from those files: `./x.js` means `./x.ts`
// when only the .ts file exists, and an extensionless `./x` finds `./x.ts` or `./x/index.ts`.
// Everything else goes to Node's own resolution and loading untouched.

import type { LoadHook, ResolveHook } from 'node:module';
import { fileURLToPath } from 'node:url';
import { transformTypeScript } from './transform.ts';

const TS_FILE = /\.(?:[cm]?ts|tsx)$/i;
/** What a missing JavaScript extension stands for in TypeScript's convention. */
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };
const EXTENSIONLESS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

function isTypeScriptUrl(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('file:') && TS_FILE.test(new URL(url).pathname);
}

/** A relative or absolute file path (not a package name, builtin or URL with another scheme). */
function isPathSpecifier(specifier: string): boolean {
  return /^\.{1,2}(?:\/|$)/.test(specifier) || specifier.startsWith('/') || specifier.startsWith('file:');
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT';
}

/** The TypeScript files a specifier may stand for, in the order TypeScript would pick them. */
function candidates(specifier: string): string[] {
  const [base = specifier, query = ''] = splitQuery(specifier);
  const ext = /\.[a-z]+$/i.exec(base)?.[0]?.toLowerCase();
  if (ext && JS_TO_TS[ext]) return JS_TO_TS[ext].map((ts) => base.slice(0, -ext.length) + ts + query);
  if (!ext || !/^\.(?:[cm]?[jt]sx?|json|node|wasm)$/.test(ext)) return EXTENSIONLESS.map((suffix) => base.replace(/\/$/, '') + suffix + query);
  return [];
}

function splitQuery(specifier: string): [string, string] {
  const i = specifier.search(/[?#]/);
  return i < 0 ? [specifier, ''] : [specifier.slice(0, i), specifier.slice(i)];
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!isNotFound(err) || !isTypeScriptUrl(context.parentURL) || !isPathSpecifier(specifier)) throw err;
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch (inner) {
        if (!isNotFound(inner)) throw inner;
      }
    }
    throw err;
  }
};

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!isTypeScriptUrl(url)) return nextLoad(url, context);
  // Asking for 'module' makes Node read the file as it is; the format returned is the real one.
  const loaded = await nextLoad(url, { ...context, format: 'module' });
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
  const { code, format } = transformTypeScript(source, fileURLToPath(url));
  return { format, source: code, shortCircuit: true };
};
