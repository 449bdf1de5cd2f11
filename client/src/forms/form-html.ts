// The HTML page of the form webview: the same nonce-based Content Security Policy as the diagram
// (client/src/webview-html.ts), the bundled dist/forms.js and dist/forms.css, and one mount point.
// Pure (no `vscode` import) so the browser tests load exactly this page.

import { escapeHtml, pageShell } from '../webview-html.ts';

export interface FormPageOptions {
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(dist/forms.js)`, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/forms.css)`, as a string. */
  styleUri: string;
  title: string;
}

/** The complete page. Every interpolated value is HTML-escaped; the form itself arrives as a message. */
export function formPageHtml(o: FormPageOptions): string {
  const body = `<main id="app" class="agentgraph-form" aria-label="${escapeHtml(o.title)}">
    <p class="agentgraph-loading">Loading the form…</p>
  </main>`;
  return pageShell({ cspSource: o.cspSource, nonce: o.nonce, scriptUri: o.scriptUri, styleUri: o.styleUri, title: o.title, body });
}
