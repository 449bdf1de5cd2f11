// Documentation search for examples/rag.agentgraph. A fixed set of passages and a simple term
// overlap score stand in for the hybrid (BM25 + vector) index, so runs are reproducible.

export type Product = 'cloud' | 'self_hosted';

export interface Passage {
  doc_id: string;
  title: string;
  url: string;
  text: string;
  score: number;
}

const DOCS: (Omit<Passage, 'score'> & { product: Product | 'both' })[] = [
  {
    doc_id: 'docs/api-keys#rotate',
    title: 'Rotating API keys',
    url: 'https://docs.acme.example/api-keys#rotate',
    product: 'cloud',
    text: 'To rotate a key without downtime, create a second key under Settings → API, deploy it to your services, then revoke the old key. Both keys are valid until the old one is revoked.',
  },
  {
    doc_id: 'docs/limits#rate',
    title: 'Rate limits',
    url: 'https://docs.acme.example/limits#rate',
    product: 'cloud',
    text: 'Free workspaces can make 60 API requests per minute and Pro workspaces 600. Requests over the limit receive HTTP 429 with a Retry-After header.',
  },
  {
    doc_id: 'docs/sso#enforce',
    title: 'Enforcing single sign-on',
    url: 'https://docs.acme.example/sso#enforce',
    product: 'cloud',
    text: 'On the Enterprise plan, admins can require SSO for every member under Security → Authentication → Enforce SSO. Owners keep a password login as a break-glass account.',
  },
  {
    doc_id: 'docs/self-hosted/backup',
    title: 'Backing up a self-hosted installation',
    url: 'https://docs.acme.example/self-hosted/backup',
    product: 'self_hosted',
    text: 'Run `acmectl backup create` on the primary node. It writes a consistent snapshot of the Postgres database and the object store to the configured backup bucket. Schedule it with cron at least daily.',
  },
  {
    doc_id: 'docs/self-hosted/requirements',
    title: 'Self-hosted system requirements',
    url: 'https://docs.acme.example/self-hosted/requirements',
    product: 'self_hosted',
    text: 'The self-hosted edition runs on Linux (x86-64 or arm64) with Docker 24 or later. It supports PostgreSQL 14, 15 and 16. Windows hosts are not supported.',
  },
  {
    doc_id: 'docs/pricing',
    title: 'Plans and pricing',
    url: 'https://docs.acme.example/pricing',
    product: 'both',
    text: 'Pro costs $49 per seat per month. Enterprise pricing is quoted per contract; contact sales for a quote.',
  },
];

function terms(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
}

/** The k passages of the product's documentation that share the most terms with the query. */
export async function searchDocs(args: { query: string; product: Product; k: number }): Promise<Passage[]> {
  const q = new Set(terms(args.query));
  const scored = DOCS.filter((d) => d.product === args.product || d.product === 'both').map((d) => {
    const t = terms(d.title + ' ' + d.text);
    const hits = t.filter((w) => q.has(w)).length;
    return { d, score: q.size === 0 ? 0 : Math.min(1, hits / q.size) };
  });
  return scored
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.d.doc_id.localeCompare(b.d.doc_id))
    .slice(0, Math.max(0, args.k))
    .map(({ d, score }) => ({ doc_id: d.doc_id, title: d.title, url: d.url, text: d.text, score: Math.round(score * 100) / 100 }));
}
