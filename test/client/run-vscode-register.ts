// Makes `require('vscode')` (what `import … from 'vscode'` compiles to under tsx) load
// ./run-vscode-stub.ts, so the run commands execute in the Node test runner. Import it first.

import Module from 'node:module';

const stub = require.resolve('./run-vscode-stub.ts');
type Resolve = (request: string, ...rest: unknown[]) => string;
const m = Module as unknown as { _resolveFilename: Resolve };
const original = m._resolveFilename;
m._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? stub : original.call(this, request, ...rest);
};
