// Inputs used recently, per graph, so running a graph again is one pick away. Kept in the
// workspace's state (a Memento), newest first, without duplicates, at most MAX_RECENT per graph.
// No `vscode` import: the store is any get/update pair, so tests use a Map.

export const MAX_RECENT = 10;

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface RecentInput {
  value: unknown;
  /** Milliseconds since the epoch. */
  usedAt: number;
}

/** One key per spec and graph: the same graph name in two specs keeps two lists. */
export function recentKey(specPath: string, graph: string): string {
  return `agentgraph.recentInputs:${specPath}#${graph}`;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` count as the same input. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The list with `value` first (moved up when it was already there), trimmed to `max`. */
export function addRecent(list: readonly RecentInput[], value: unknown, now: number, max = MAX_RECENT): RecentInput[] {
  const key = canonicalJson(value);
  return [{ value, usedAt: now }, ...list.filter((r) => canonicalJson(r.value) !== key)].slice(0, Math.max(0, max));
}

/** Entries as stored, with anything malformed (an older format, a hand edit) dropped. */
function sanitize(raw: unknown): RecentInput[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((r): r is RecentInput => !!r && typeof r === 'object' && 'value' in r && typeof (r as RecentInput).usedAt === 'number');
}

export class RecentInputs {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  list(specPath: string, graph: string): RecentInput[] {
    return sanitize(this.store.get(recentKey(specPath, graph)));
  }

  async remember(specPath: string, graph: string, value: unknown): Promise<void> {
    await this.store.update(recentKey(specPath, graph), addRecent(this.list(specPath, graph), value, this.now()));
  }
}

/** A one-line preview of an input for a quick pick label, cut at `max` characters. */
export function inputPreview(value: unknown, max = 80): string {
  const text = (JSON.stringify(value) ?? 'null').replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
