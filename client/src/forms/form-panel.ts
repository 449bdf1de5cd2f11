// Webview forms generated from JSON Schema (dist/forms.js, webview/src/forms/): the input of a run
// and the answers of waiting humans. Each form is its own panel; the promise settles once, with
// the value (re-checked here against the schema, so a value of the wrong shape never reaches the
// runtime) or undefined when the user cancels, closes the panel or the caller's token is
// cancelled. Several waiting humans get several panels; a notification brings a hidden one back.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FormSpec, FromForm, ToForm } from '../../../webview/src/forms/protocol.ts';
import { validateValue } from '../../../webview/src/forms/validate.ts';
import { makeNonce } from '../webview-html.ts';
import { formPageHtml } from './form-html.ts';
import { humanFormSpec, waitingMessage, type HumanQuestionData } from './human-form.ts';

export const FORM_VIEW_TYPE = 'agentgraph.form';

export interface FormRequest {
  title: string;
  description?: string;
  schema: Record<string, unknown> /* JSON Schema 2020-12 */;
  initial?: unknown;
  submitLabel?: string;
}

/** A waiting human's question, with the spec it comes from (for the form's description). */
export interface HumanQuestion extends HumanQuestionData {
  specUri?: vscode.Uri;
}

interface OpenOptions {
  /** Keep the focus where it is (a run asking in the background must not take the keyboard away). */
  preserveFocus?: boolean;
  /** Called whenever the panel goes from visible to hidden while the form still waits. */
  onHidden?: (reveal: () => void) => void;
  /** Called once the panel exists (to keep a handle for notifications). */
  onOpen?: (reveal: () => void, isOpen: () => boolean) => void;
}

function openForm(extensionUri: vscode.Uri, spec: FormSpec, token: vscode.CancellationToken | undefined, o: OpenOptions = {}): Promise<{ value: unknown } | undefined> {
  if (token?.isCancellationRequested) return Promise.resolve(undefined);
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const script = vscode.Uri.joinPath(dist, 'forms.js');
  if (!existsSync(script.fsPath)) {
    void vscode.window.showErrorMessage('AgentGraph: the form view is missing (dist/forms.js). Run the build (node scripts/build.mjs) and reload the window.');
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const panel = vscode.window.createWebviewPanel(
      FORM_VIEW_TYPE,
      spec.title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: o.preserveFocus ?? false },
      // The form keeps what the user typed while its tab is in the background.
      { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: true },
    );
    const webview = panel.webview;
    webview.html = formPageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(script).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'forms.css')).toString(),
      title: spec.title,
    });
    let settled = false;
    let disposed = false;
    const subs: vscode.Disposable[] = [];
    const finish = (result: { value: unknown } | undefined) => {
      if (settled) return;
      settled = true;
      for (const s of subs) s.dispose();
      if (!disposed) panel.dispose();
      resolve(result);
    };
    const post = (m: ToForm) => void webview.postMessage(m);
    const reveal = () => {
      if (!disposed) panel.reveal(undefined, false);
    };
    subs.push(
      webview.onDidReceiveMessage((raw: FromForm) => {
        if (!raw || typeof raw !== 'object') return;
        if (raw.type === 'ready') post({ type: 'init', form: spec });
        else if (raw.type === 'cancel') finish(undefined);
        else if (raw.type === 'submit') {
          const errors = validateValue(spec.schema, raw.value);
          if (errors.length > 0) post({ type: 'rejected', errors });
          else finish({ value: raw.value });
        }
      }),
    );
    let wasVisible = panel.visible;
    subs.push(
      panel.onDidChangeViewState((e) => {
        const visible = e.webviewPanel.visible;
        if (wasVisible && !visible && !settled) o.onHidden?.(reveal);
        wasVisible = visible;
      }),
    );
    panel.onDidDispose(() => {
      disposed = true;
      finish(undefined);
    });
    if (token) subs.push(token.onCancellationRequested(() => finish(undefined)));
    o.onOpen?.(reveal, () => !settled);
  });
}

/** Opens a form in a webview panel; resolves with the value, or undefined when the user cancels or closes it. */
export function showForm(extensionUri: vscode.Uri, req: FormRequest, token?: vscode.CancellationToken): Promise<{ value: unknown } | undefined> {
  const spec: FormSpec = { title: req.title, schema: req.schema };
  if (req.description !== undefined) spec.description = req.description;
  if (req.initial !== undefined) spec.initial = req.initial;
  if (req.submitLabel !== undefined) spec.submitLabel = req.submitLabel;
  return openForm(extensionUri, spec, token);
}

/** Shows a waiting human's question (prompt as text, never HTML) and the answer form; resolves with the answer or undefined. */
export function askHuman(extensionUri: vscode.Uri, q: HumanQuestion, token?: vscode.CancellationToken): Promise<{ value: unknown } | undefined> {
  let isOpen = () => false;
  const notify = (reveal: () => void) => {
    void vscode.window.showInformationMessage(waitingMessage(q.human), 'Answer').then((pick) => {
      if (pick === 'Answer' && isOpen()) reveal();
    });
  };
  return openForm(extensionUri, humanFormSpec(q, q.specUri ? vscode.workspace.asRelativePath(q.specUri) : undefined), token, {
    onOpen: (reveal, open) => {
      isOpen = open;
      notify(reveal);
    },
    onHidden: notify,
    preserveFocus: true,
  });
}
