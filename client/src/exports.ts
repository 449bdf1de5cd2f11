// The export commands: the diagram as Mermaid source, SVG (rendered by the webview) or Markdown,
// and every tool's OpenAI function-calling definition and JSON Schemas.

import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DIAGRAM_METHOD,
  EXPORT_TOOL_SCHEMAS_METHOD,
  type DiagramParams,
  type DiagramResult,
  type ExportToolSchemasParams,
  type ExportToolSchemasResult,
} from '../../server/src/lsp/custom/protocol.ts';
import { diagramSettings } from './config.ts';
import type { DiagramPanel } from './diagram-panel.ts';
import { diagramFileName, markdownDocument, mermaidDocument, svgDocument, toolSchemaFiles, toolSchemaFolderName, type DiagramFormat } from './export-format.ts';
import type { Requester } from './status-bar.ts';

const encoder = new TextEncoder();

interface FormatPick extends vscode.QuickPickItem {
  format: DiagramFormat;
}

function baseName(uri: vscode.Uri): string {
  return path.posix.basename(uri.path) || 'spec.agentgraph';
}

/** Where to offer saving: next to the spec when it is a file, else the first workspace folder. */
function defaultFolder(spec: vscode.Uri): vscode.Uri | undefined {
  if (spec.scheme === 'file') return vscode.Uri.joinPath(spec, '..');
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function revealChoice(message: string, file: vscode.Uri): Promise<void> {
  const choice = await vscode.window.showInformationMessage(message, 'Open');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', file);
}

export async function exportDiagram(spec: vscode.Uri, panel: DiagramPanel, request: Requester, log: (m: string) => void): Promise<vscode.Uri | undefined> {
  const picks: FormatPick[] = [
    { label: 'Mermaid source', description: '.mmd', detail: 'The flowchart text, for mermaid-cli or any Mermaid renderer.', format: 'mermaid' },
    { label: 'SVG image', description: '.svg', detail: 'The diagram as rendered in the diagram view.', format: 'svg' },
    { label: 'Markdown', description: '.md', detail: 'A page with a ```mermaid block (renders on GitHub and GitLab).', format: 'markdown' },
  ];
  const pick = await vscode.window.showQuickPick(picks, { title: 'Export the architecture diagram', placeHolder: 'Choose a format' });
  if (!pick) return undefined;

  // The diagram shown for this spec, else a fresh one from the server.
  let diagram: DiagramResult | undefined = panel.documentUri?.toString() === spec.toString() ? panel.current : undefined;
  if (!diagram) {
    const s = diagramSettings();
    const params: DiagramParams = { uri: spec.toString(), direction: s.direction, collapseThreshold: s.collapseThreshold };
    const active = vscode.window.activeTextEditor;
    if (active?.document.uri.toString() === spec.toString()) params.position = { line: active.selection.active.line, character: active.selection.active.character };
    diagram = await request<DiagramResult>(DIAGRAM_METHOD, params);
  }
  if (!diagram || diagram.graph === undefined || !diagram.mermaid) {
    void vscode.window.showWarningMessage(`AgentGraph: nothing to export. ${diagram?.message ?? 'The language server is not running.'}`);
    return undefined;
  }
  const graph = diagram.graph;

  let content: string;
  if (pick.format === 'svg') {
    try {
      content = svgDocument(
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'AgentGraph: rendering the diagram…' }, () => panel.renderedSvg(spec, graph)),
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`[export] SVG export failed: ${message}`);
      void vscode.window.showErrorMessage(`AgentGraph: SVG export failed: ${message}`);
      return undefined;
    }
  } else if (pick.format === 'markdown') content = markdownDocument(graph, diagram.mermaid, baseName(spec));
  else content = mermaidDocument(diagram.mermaid);

  const folder = defaultFolder(spec);
  const name = diagramFileName(baseName(spec), graph, pick.format);
  const target = await vscode.window.showSaveDialog({
    title: `Export diagram of ${graph}`,
    saveLabel: 'Export',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: pick.format === 'svg' ? { 'SVG image': ['svg'] } : pick.format === 'markdown' ? { Markdown: ['md'] } : { Mermaid: ['mmd', 'mermaid'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, encoder.encode(content));
  log(`[export] wrote ${target.toString()}`);
  void revealChoice(`AgentGraph: exported the diagram of ${graph} to ${path.posix.basename(target.path)}.`, target);
  return target;
}

interface FolderPick extends vscode.QuickPickItem {
  choice: 'beside' | 'choose';
}

export async function exportToolSchemas(spec: vscode.Uri, request: Requester, log: (m: string) => void): Promise<vscode.Uri | undefined> {
  const params: ExportToolSchemasParams = { uri: spec.toString() };
  const result = await request<ExportToolSchemasResult>(EXPORT_TOOL_SCHEMAS_METHOD, params);
  if (!result) {
    void vscode.window.showErrorMessage('AgentGraph: the language server is not running; cannot export tool schemas.');
    return undefined;
  }
  if (result.tools.length === 0) {
    void vscode.window.showInformationMessage('AgentGraph: this spec declares (and imports) no tools.');
    return undefined;
  }
  const folderName = toolSchemaFolderName(baseName(spec));
  const home = defaultFolder(spec);
  const picks: FolderPick[] = [];
  if (home) picks.push({ label: `Next to the spec, in ${folderName}/`, description: vscode.workspace.asRelativePath(vscode.Uri.joinPath(home, folderName)), choice: 'beside' });
  picks.push({ label: 'Choose a folder…', choice: 'choose' });
  const pick = await vscode.window.showQuickPick(picks, {
    title: `Export ${result.tools.length} tool schema${result.tools.length === 1 ? '' : 's'} (OpenAI function calling + JSON Schema)`,
    placeHolder: 'Where should the files go?',
  });
  if (!pick) return undefined;
  let folder: vscode.Uri | undefined;
  if (pick.choice === 'beside' && home) folder = vscode.Uri.joinPath(home, folderName);
  else {
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export here', defaultUri: home });
    folder = chosen?.[0];
  }
  if (!folder) return undefined;
  await vscode.workspace.fs.createDirectory(folder);
  const files = toolSchemaFiles(result);
  for (const f of files) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, f.name), encoder.encode(f.content));
  log(`[export] wrote ${files.length} files to ${folder.toString()}`);
  const warning = result.errors > 0 ? ` The spec has ${result.errors} error${result.errors === 1 ? '' : 's'}; the schemas may be incomplete.` : '';
  void revealChoice(`AgentGraph: exported ${result.tools.length} tool schema${result.tools.length === 1 ? '' : 's'} to ${path.posix.basename(folder.path)}/.${warning}`, vscode.Uri.joinPath(folder, 'openai-tools.json'));
  return folder;
}
