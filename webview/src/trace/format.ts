// Number and payload formatting shared by the trace and compare views (pure).

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCost(usd: number): string {
  if (!Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(6)}`;
  return `$${usd.toFixed(4)}`;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** UTF-8 size of a string (what "Show all (…)" reports). */
export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** JSON text pretty-printed (as text); anything that is not JSON is returned as it is. */
export function prettyJson(text: string): { text: string; json: boolean } {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return { text, json: false };
  try {
    return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

/** "+12.5%" / "−3.0%"; empty when there is no base to compare with. */
export function formatPct(pct: number | undefined): string {
  if (pct === undefined || !Number.isFinite(pct)) return '';
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${sign}${Math.abs(pct).toFixed(1)}%`;
}

export function signed(n: number, f: (x: number) => string): string {
  return n > 0 ? `+${f(n)}` : n < 0 ? `−${f(-n)}` : f(0);
}
