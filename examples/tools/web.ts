// Web tools for examples/research.agentgraph. A small fixed corpus stands in for a search API and
// the open web, so runs are deterministic and never touch the network.

export interface SearchHit {
  url: string;
  title: string;
  snippet: string;
  published: string | null;
}

export interface Page {
  url: string;
  title: string;
  text: string;
}

const CORPUS: (Page & { published: string | null })[] = [
  {
    url: 'https://gdpr.example.eu/art-44',
    title: 'GDPR Article 44: General principle for transfers',
    published: '2016-05-04',
    text: 'Any transfer of personal data which are undergoing processing or are intended for processing after transfer to a third country shall take place only if the conditions laid down in this Chapter are complied with.',
  },
  {
    url: 'https://commission.example.eu/adequacy/eu-us-dpf',
    title: 'Adequacy decision for the EU-US Data Privacy Framework',
    published: '2023-07-10',
    text: 'On 10 July 2023 the Commission adopted its adequacy decision for the EU-US Data Privacy Framework. Personal data can flow safely from the EU to US companies participating in the framework.',
  },
  {
    url: 'https://cloud.example.com/docs/regions/eu-sovereign',
    title: 'EU sovereign regions: data residency guarantees',
    published: '2025-03-18',
    text: 'Customer data at rest and in transit stays within the EU. Support access from outside the EU requires customer approval. Sovereign regions are priced 15% above standard EU regions.',
  },
  {
    url: 'https://db.example.com/pricing',
    title: 'Managed analytics database pricing',
    published: '2025-06-01',
    text: 'Storage is billed at $0.023 per GB-month in all regions. Compute in Frankfurt and Paris is billed at the same rate as US East.',
  },
  {
    url: 'https://blog.example.org/residency-myths',
    title: 'Five myths about data residency',
    published: '2021-11-30',
    text: 'Keeping data in the EU does not by itself make processing GDPR compliant; access by non-EU staff is also a transfer.',
  },
];

function words(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
}

/** Pages ranked by how many query words they contain. */
export async function webSearch(args: { query: string; max_results: number }): Promise<SearchHit[]> {
  const q = new Set(words(args.query));
  return CORPUS.map((p) => ({ p, score: words(p.title + ' ' + p.text).filter((w) => q.has(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.p.url.localeCompare(b.p.url))
    .slice(0, Math.max(0, args.max_results))
    .map(({ p }) => ({ url: p.url, title: p.title, snippet: p.text.slice(0, 160), published: p.published }));
}

/** The page's text, or null when it is not in the corpus (as for a 404). */
export async function fetchPage(args: { url: string }): Promise<Page | null> {
  const p = CORPUS.find((x) => x.url === args.url.trim());
  return p ? { url: p.url, title: p.title, text: p.text.slice(0, 20_000) } : null;
}
