// For the bundled entry points (dist/cli.js, dist/run-host.js, dist/debug-adapter.js): the loader
// hooks that compile TypeScript tools are bundled next to them as ts-hooks.mjs. Run from source
// (under tsx) that file is absent and TypeScript tools keep loading through tsx.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTypeScriptHooks } from '../runtime/tools.ts';

/** The name of the bundled hooks file, next to the entry point's bundle. */
export const TS_HOOKS_FILE = 'ts-hooks.mjs';

/**
 * Uses `<dir>/ts-hooks.mjs` for TypeScript tools when it exists (`dir` is the entry bundle's
 * `__dirname`); returns whether it does.
 */
export function useBundledTypeScriptHooks(dir: string | undefined): boolean {
  if (!dir) return false;
  const file = path.join(dir, TS_HOOKS_FILE);
  if (!existsSync(file)) return false;
  setTypeScriptHooks(pathToFileURL(file));
  return true;
}
