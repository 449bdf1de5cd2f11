// Makes `require('vscode')` (what `import … from 'vscode'` compiles to under tsx) load the stub in
// ./vscode-stub.ts, so client code runs in the Node test runner. Import this before client code.

import Module from 'node:module';

const stub = require.resolve('./vscode-stub.ts');
type Resolve = (request: string, ...rest: unknown[]) => string;
const m = Module as unknown as { _resolveFilename: Resolve };
const original = m._resolveFilename;
m._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? stub : original.call(this, request, ...rest);
};
