// The HTML page of the diagram webview: a strict, nonce-based Content Security Policy, the bundled
// script and stylesheet (dist/webview.js, dist/webview.css) and one mount point. Pure (no `vscode`
// import) so tests can check the policy without a VS Code.

export interface WebviewPageOptions {
  /** `webview.cspSource`: the origin the webview may load local resources from. */
  cspSource: string;
  /** A fresh random nonce for this page. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)`, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview.css)`, when that file exists. */
  styleUri?: string;
  /** Page title (the panel title is set separately). */
  title?: string;
  /** Shown until the script replaces it (and when the script failed to load). */
  loadingText?: string;
}

/**
 * A fresh nonce: 24 random bytes, base64url (allowed by the CSP nonce grammar). Web Crypto is
 * used so that activation does not load node:crypto.
 */
export function makeNonce(bytes: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(24))): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The Content-Security-Policy of the page: nothing by default, scripts only with the nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface PageShellOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri?: string;
  title: string;
  /** The page's mount point, already HTML (its interpolated values escaped by the caller). */
  body: string;
}

/**
 * The page every webview of the extension uses (the diagram, the trace viewer and the forms): the
 * Content Security Policy above, the stylesheet, the title, the mount point and the nonce'd script.
 * Every interpolated value except `body` is HTML-escaped here.
 */
export function pageShell(o: PageShellOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  const style = o.styleUri ? `\n  <link rel="stylesheet" href="${escapeHtml(o.styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(o.title)}</title>${style}
</head>
<body>
  ${o.body}
  <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}

/** The complete page. Every interpolated value is HTML-escaped. */
export function webviewHtml(o: WebviewPageOptions): string {
  const title = o.title ?? 'AgentGraph diagram';
  const body = `<div id="app" class="agentgraph-diagram" role="application" aria-label="${escapeHtml(title)}">
    <p class="agentgraph-loading">${escapeHtml(o.loadingText ?? 'Loading the diagram…')}</p>
  </div>`;
  return pageShell({ cspSource: o.cspSource, nonce: o.nonce, scriptUri: o.scriptUri, ...(o.styleUri ? { styleUri: o.styleUri } : {}), title, body });
}
