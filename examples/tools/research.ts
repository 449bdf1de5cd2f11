// The reduce step of examples/research.agentgraph: a deterministic merge of the researchers'
// findings with the fact check and the coverage check. Pure code, so it is exact and free.

export interface Source {
  url: string;
  title: string;
  published?: string | null;
  quote: string;
}

export interface Claim {
  text: string;
  sources: Source[];
}

export interface Finding {
  sub_question: string;
  claims: Claim[];
  open_questions: string[];
}

export interface FactCheck {
  checks: { claim: string; verdict: 'supported' | 'weak' | 'refuted'; note: string }[];
}

export interface Coverage {
  gaps: string[];
  contradictions: string[];
}

export interface Evidence {
  claims: Claim[];
  dropped: string[];
  gaps: string[];
  contradictions: string[];
  sources: Source[];
}

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Keeps supported and weak claims, drops refuted ones, and deduplicates sources by URL. */
export async function mergeEvidence(args: { findings: Finding[]; facts: FactCheck; coverage: Coverage }): Promise<Evidence> {
  const verdicts = new Map(args.facts.checks.map((c) => [norm(c.claim), c]));
  const claims: Claim[] = [];
  const dropped: string[] = [];
  const seenClaims = new Set<string>();
  const sources = new Map<string, Source>();
  const openQuestions: string[] = [];

  for (const f of args.findings) {
    openQuestions.push(...f.open_questions.map((q) => `${f.sub_question}: ${q}`));
    for (const c of f.claims) {
      const key = norm(c.text);
      if (seenClaims.has(key)) continue;
      seenClaims.add(key);
      const check = verdicts.get(key);
      if (check?.verdict === 'refuted') {
        dropped.push(`${c.text} (${check.note})`);
        continue;
      }
      claims.push(c);
      for (const s of c.sources) if (!sources.has(s.url)) sources.set(s.url, s);
    }
  }
  return {
    claims,
    dropped,
    gaps: [...args.coverage.gaps, ...openQuestions],
    contradictions: args.coverage.contradictions,
    sources: [...sources.values()],
  };
}
