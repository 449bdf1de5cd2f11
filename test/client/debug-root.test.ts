// Which root a debug session compiles its spec in. A launch.json written with
// `${workspaceFolder}/sub/spec.agentgraph` once got `sub/` as its root, so the spec's
// `import "../models.agentgraph"` fell outside it and the launch failed; in remote windows the
// folder URIs do not even share a scheme with the launch paths, so folders are matched by path.

import '../helpers/vscode-register.ts';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { workspaceRootOf } from '../../client/src/debug/register.ts';

const folder = (p: string) => ({ uri: { fsPath: p } });
const ws = path.join(path.sep, 'home', 'u', 'ws');

test('a spec in a sub-folder compiles in its workspace folder, not in its own directory', () => {
  const spec = path.join(ws, 'e2e-xss', 'xss.agentgraph');
  assert.equal(workspaceRootOf(spec, folder(ws), []), ws);
  assert.equal(workspaceRootOf(spec, undefined, [folder(path.join(path.sep, 'elsewhere')), folder(ws)]), ws);
});

test('the innermost open folder wins; a folder that merely shares a name prefix does not count', () => {
  const inner = path.join(ws, 'packages', 'agents');
  const spec = path.join(inner, 'support.agentgraph');
  assert.equal(workspaceRootOf(spec, undefined, [folder(ws), folder(inner)]), inner);
  assert.equal(workspaceRootOf(path.join(`${ws}-other`, 'x.agentgraph'), folder(ws), [folder(ws)]), undefined);
});

test('the launch configuration folder is ignored when the spec lies outside it', () => {
  const spec = path.join(path.sep, 'tmp', 'scratch', 'x.agentgraph');
  assert.equal(workspaceRootOf(spec, folder(ws), [folder(ws)]), undefined);
});
