/// <reference lib="dom" />
// Which VS Code theme the webview is in, and the Mermaid theme that matches it. VS Code marks the
// webview's <body> with vscode-light / vscode-dark / vscode-high-contrast (plus
// vscode-high-contrast-light) and defines the workbench colours as --vscode-* CSS variables; the
// extension also posts a `theme` message when the colour theme changes. Light uses Mermaid's
// 'default' theme, dark its 'dark' theme, and both high-contrast kinds the 'base' theme with
// variables taken from the workbench colours (falling back to pure black/white).

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeFromBody(body: HTMLElement): ThemeKind | undefined {
  const c = body.classList;
  const kind = body.dataset.vscodeThemeKind;
  if (c.contains('vscode-high-contrast-light') || kind === 'vscode-high-contrast-light') return 'high-contrast-light';
  if (c.contains('vscode-high-contrast') || kind === 'vscode-high-contrast') return 'high-contrast';
  if (c.contains('vscode-dark') || kind === 'vscode-dark') return 'dark';
  if (c.contains('vscode-light') || kind === 'vscode-light') return 'light';
  return undefined;
}

/** Only plain colour values go into Mermaid's generated CSS. */
const SAFE_COLOR = /^(#[0-9a-fA-F]{3,8}|rgba?\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*(,\s*[\d.]+%?\s*)?\))$/;
const SAFE_FONT = /^[\w\s,"'.-]+$/;

function cssVar(name: string): string | undefined {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || undefined;
}

function color(name: string, fallback: string): string {
  const v = cssVar(name);
  return v && SAFE_COLOR.test(v) ? v : fallback;
}

export function fontFamily(): string {
  const v = cssVar('--vscode-font-family');
  return v && SAFE_FONT.test(v) ? v : '-apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Helvetica Neue", sans-serif';
}

export interface MermaidThemeConfig {
  theme: 'default' | 'dark' | 'base';
  themeVariables: Record<string, string | boolean>;
}

export function mermaidTheme(kind: ThemeKind): MermaidThemeConfig {
  const font = { fontFamily: fontFamily(), fontSize: '14px' };
  switch (kind) {
    case 'light':
      return { theme: 'default', themeVariables: { ...font, lineColor: '#5f6b7a', edgeLabelBackground: '#ffffff' } };
    case 'dark':
      return {
        theme: 'dark',
        themeVariables: { ...font, darkMode: true, lineColor: '#a0a8b4', edgeLabelBackground: '#2b2d31', clusterBkg: '#22262d', clusterBorder: '#717b8c' },
      };
    case 'high-contrast':
    case 'high-contrast-light': {
      const dark = kind === 'high-contrast';
      const bg = color('--vscode-editor-background', dark ? '#000000' : '#ffffff');
      const fg = color('--vscode-editor-foreground', dark ? '#ffffff' : '#000000');
      const border = color('--vscode-contrastBorder', dark ? '#6fc3df' : '#0f4a85');
      return {
        theme: 'base',
        themeVariables: {
          ...font,
          darkMode: dark,
          background: bg,
          mainBkg: bg,
          primaryColor: bg,
          secondaryColor: bg,
          tertiaryColor: bg,
          primaryTextColor: fg,
          secondaryTextColor: fg,
          tertiaryTextColor: fg,
          textColor: fg,
          titleColor: fg,
          nodeTextColor: fg,
          primaryBorderColor: border,
          secondaryBorderColor: border,
          tertiaryBorderColor: border,
          nodeBorder: border,
          lineColor: fg,
          clusterBkg: bg,
          clusterBorder: fg,
          edgeLabelBackground: bg,
        },
      };
    }
  }
}
