// The debug adapter process (bundled as dist/debug-adapter.js): speaks DAP on stdin/stdout, so
// the graph runs here and never in the editor's extension host.

import { DebugSession } from '@vscode/debugadapter';
import { useBundledTypeScriptHooks } from '../tsloader/register.ts';
import { AgentGraphDebugSession } from './session.ts';

// TypeScript tools load through dist/ts-hooks.mjs next to this bundle (tsx when run from source).
useBundledTypeScriptHooks(typeof __dirname === 'string' ? __dirname : undefined);
DebugSession.run(AgentGraphDebugSession);
