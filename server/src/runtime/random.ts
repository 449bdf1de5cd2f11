// Deterministic randomness and hashing. Retry jitter draws from a generator seeded by the run seed
// and the place it is used (node and attempt), so a run's delays do not depend on the order in
// which concurrent branches happen to retry.

import { createHash } from 'node:crypto';

/** mulberry32: a tiny, fast generator with good enough statistics for jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator for one use site: the same seed and label always give the same sequence. */
export function randomFor(seed: number, label: string): () => number {
  const h = createHash('sha256').update(`${seed}\u0000${label}`).digest();
  return seededRandom(h.readUInt32LE(0));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal values always hash alike. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}
