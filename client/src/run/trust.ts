// Workspace Trust for everything that executes a spec: runs, fault simulations, debug sessions and
// eval runs load the folder's tool modules and send its prompts to a model provider, so they are
// refused in Restricted Mode with a message that says why and how to trust the folder. Checking
// and drawing specs stay available (package.json: capabilities.untrustedWorkspaces = limited).

import * as vscode from 'vscode';

export const MANAGE_TRUST = 'Manage Workspace Trust';

/** The explanation shown when `action` (e.g. "Running a graph") is refused. */
export function untrustedMessage(action: string): string {
  return `AgentGraph: ${action} is disabled in Restricted Mode, because it runs this folder's tool code and sends its prompts to a model provider. Trust the folder to allow it.`;
}

/** True when the workspace is trusted; otherwise explains and offers the trust editor, and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(untrustedMessage(action), MANAGE_TRUST).then((pick) => {
    if (pick === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
