// The colours of the diagram's node classes, per theme, in one place. The generator writes the
// light palette into the Mermaid text (what GitHub, the CLI and exports show); the webview swaps in
// the palette of the active VS Code theme before rendering, so dark and high-contrast themes get
// readable colours without a second round trip to the language server. Pure data, no DOM.

export type PaletteTheme = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** The classes the generator uses: `classDef <name> <style>` lines. */
export const DIAGRAM_CLASSES = [
  'agent',
  'human',
  'tool',
  'irreversible',
  'subgraphNode',
  'terminal',
  'join',
  'supervisor',
  'supBox',
  'budget',
  'note',
  'legendBox',
] as const;
export type DiagramClass = (typeof DIAGRAM_CLASSES)[number];

type Palette = Record<DiagramClass, string>;

const light: Palette = {
  agent: 'fill:#e8f0fe,stroke:#3b6fd8,color:#10233f',
  human: 'fill:#fff4e5,stroke:#d88a1c,color:#3d2500',
  tool: 'fill:#eaf6ec,stroke:#3a9a4a,color:#0f2e14',
  irreversible: 'fill:#fdecea,stroke:#c62828,color:#3d0a0a,stroke-width:2px',
  subgraphNode: 'fill:#f3e8fd,stroke:#7b3fc4,color:#230a3d',
  terminal: 'fill:#eceff1,stroke:#546e7a,color:#111111',
  join: 'fill:#ffffff,stroke:#546e7a,color:#111111',
  supervisor: 'fill:#f5f5f5,stroke:#757575,color:#111111,stroke-dasharray:5 3',
  supBox: 'fill:#f7f9fc,stroke:#8a94a6,color:#37474f,stroke-dasharray:6 4',
  budget: 'fill:#fffde7,stroke:#b59f00,color:#3d3500',
  note: 'fill:#ffffff,stroke:#bdbdbd,color:#333333',
  legendBox: 'fill:#fafafa,stroke:#cfd8dc,color:#455a64',
};

const dark: Palette = {
  agent: 'fill:#1c3150,stroke:#6ea8fe,color:#e6edf3',
  human: 'fill:#46310f,stroke:#f0a848,color:#fdf1e0',
  tool: 'fill:#173822,stroke:#5cc46e,color:#e3f7e6',
  irreversible: 'fill:#4d1c1c,stroke:#ff6b6b,color:#ffe9e9,stroke-width:2px',
  subgraphNode: 'fill:#35214f,stroke:#b58cf0,color:#f3e8fd',
  terminal: 'fill:#33373d,stroke:#9da5b4,color:#f0f0f0',
  join: 'fill:#252526,stroke:#9da5b4,color:#f0f0f0',
  supervisor: 'fill:#2b2d31,stroke:#9da5b4,color:#e8e8e8,stroke-dasharray:5 3',
  supBox: 'fill:#22262d,stroke:#717b8c,color:#c9d1d9,stroke-dasharray:6 4',
  budget: 'fill:#38351a,stroke:#d4c14a,color:#fff9c4',
  note: 'fill:#252526,stroke:#5f6670,color:#d4d4d4',
  legendBox: 'fill:#1f2123,stroke:#4b5058,color:#b8bec8',
};

const highContrast: Palette = {
  agent: 'fill:#000000,stroke:#6fc3df,color:#ffffff,stroke-width:2px',
  human: 'fill:#000000,stroke:#f38518,color:#ffffff,stroke-width:2px',
  tool: 'fill:#000000,stroke:#89d185,color:#ffffff,stroke-width:2px',
  irreversible: 'fill:#000000,stroke:#f48771,color:#ffffff,stroke-width:3px',
  subgraphNode: 'fill:#000000,stroke:#c586c0,color:#ffffff,stroke-width:2px',
  terminal: 'fill:#000000,stroke:#ffffff,color:#ffffff,stroke-width:2px',
  join: 'fill:#000000,stroke:#ffffff,color:#ffffff,stroke-width:2px',
  supervisor: 'fill:#000000,stroke:#ffffff,color:#ffffff,stroke-width:2px,stroke-dasharray:5 3',
  supBox: 'fill:#000000,stroke:#ffffff,color:#ffffff,stroke-width:1px,stroke-dasharray:6 4',
  budget: 'fill:#000000,stroke:#ffff00,color:#ffffff,stroke-width:2px',
  note: 'fill:#000000,stroke:#ffffff,color:#ffffff',
  legendBox: 'fill:#000000,stroke:#ffffff,color:#ffffff',
};

const highContrastLight: Palette = {
  agent: 'fill:#ffffff,stroke:#0f4a85,color:#000000,stroke-width:2px',
  human: 'fill:#ffffff,stroke:#8f4a00,color:#000000,stroke-width:2px',
  tool: 'fill:#ffffff,stroke:#1e6b2e,color:#000000,stroke-width:2px',
  irreversible: 'fill:#ffffff,stroke:#b5200d,color:#000000,stroke-width:3px',
  subgraphNode: 'fill:#ffffff,stroke:#6a1b9a,color:#000000,stroke-width:2px',
  terminal: 'fill:#ffffff,stroke:#000000,color:#000000,stroke-width:2px',
  join: 'fill:#ffffff,stroke:#000000,color:#000000,stroke-width:2px',
  supervisor: 'fill:#ffffff,stroke:#000000,color:#000000,stroke-width:2px,stroke-dasharray:5 3',
  supBox: 'fill:#ffffff,stroke:#000000,color:#000000,stroke-width:1px,stroke-dasharray:6 4',
  budget: 'fill:#ffffff,stroke:#5c4f00,color:#000000,stroke-width:2px',
  note: 'fill:#ffffff,stroke:#000000,color:#000000',
  legendBox: 'fill:#ffffff,stroke:#000000,color:#000000',
};

export const PALETTES: Record<PaletteTheme, Palette> = {
  light,
  dark,
  'high-contrast': highContrast,
  'high-contrast-light': highContrastLight,
};

/** The `classDef` lines of one palette, indented for a flowchart body. */
export function classDefLines(theme: PaletteTheme = 'light'): string[] {
  const p = PALETTES[theme];
  return DIAGRAM_CLASSES.map((c) => `  classDef ${c} ${p[c]}`);
}

const CLASSDEF_LINE = /^(\s*)classDef\s+([A-Za-z_][\w-]*)\s+.*$/;

/**
 * Rewrites the `classDef` lines of known classes in a Mermaid text to another palette; other lines
 * (and classes this module does not know) are left alone.
 */
export function applyPalette(mermaid: string, theme: PaletteTheme): string {
  if (theme === 'light') return mermaid;
  const p = PALETTES[theme] as Record<string, string>;
  return mermaid
    .split('\n')
    .map((line) => {
      const m = CLASSDEF_LINE.exec(line);
      if (!m) return line;
      const style = p[m[2]!];
      return style ? `${m[1]}classDef ${m[2]} ${style}` : line;
    })
    .join('\n');
}
