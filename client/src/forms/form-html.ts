// The HTML page of the form webview: the same nonce-based Content Security Policy as the diagram
// (client/src/webview-html.ts), the bundled dist/forms.js and dist/forms.css, and one mount point.
// Pure (no `vscode` import) so the browser tests load exactly this page.

import { contentSecurityPolicy } from '../webview-html.ts';

export interface FormPageOptions {
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(dist/forms.js)`, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/forms.css)`, as a string. */
  styleUri: string;
  title: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The complete page. Every interpolated value is HTML-escaped; the form itself arrives as a message. */
export function formPageHtml(o: FormPageOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(o.title)}</title>
  <link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
</head>
<body>
  <main id="app" class="agentgraph-form" aria-label="${escapeHtml(o.title)}">
    <p class="agentgraph-loading">Loading the form…</p>
  </main>
  <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}
