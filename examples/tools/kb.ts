// Knowledge-base and status-page tools for examples/support.agentgraph. A small fixed article set
// and a fixed status table stand in for the real services, so runs are deterministic.

export interface Article {
  id: string;
  title: string;
  url: string;
  excerpt: string;
}

export interface ServiceStatus {
  service: string;
  state: 'operational' | 'degraded' | 'outage';
  incident_id: string | null;
}

const ARTICLES: (Article & { keywords: string[] })[] = [
  {
    id: 'KB-101',
    title: 'Rotating API keys',
    url: 'https://help.acme.example/kb/101',
    excerpt: 'Create the new key under Settings → API, deploy it, then revoke the old key. Both keys work until the old one is revoked.',
    keywords: ['api', 'key', 'rotate', '401', 'unauthorized', 'token'],
  },
  {
    id: 'KB-118',
    title: 'Webhook deliveries fail with 410 Gone',
    url: 'https://help.acme.example/kb/118',
    excerpt: 'A 410 response disables the endpoint. Fix the receiver, then re-enable it under Settings → Webhooks and replay failed events.',
    keywords: ['webhook', '410', 'gone', 'delivery', 'disabled', 'replay'],
  },
  {
    id: 'KB-140',
    title: 'Rate limits and 429 responses',
    url: 'https://help.acme.example/kb/140',
    excerpt: 'Pro workspaces get 600 requests per minute. Honour the Retry-After header and use exponential backoff.',
    keywords: ['429', 'rate', 'limit', 'throttle', 'too many requests', 'slow'],
  },
  {
    id: 'KB-205',
    title: 'Exporting dashboards to CSV',
    url: 'https://help.acme.example/kb/205',
    excerpt: 'Open the dashboard, choose ⋯ → Export → CSV. Exports over 1 million rows are emailed as a link.',
    keywords: ['export', 'csv', 'dashboard', 'download'],
  },
  {
    id: 'KB-221',
    title: 'Single sign-on with Okta',
    url: 'https://help.acme.example/kb/221',
    excerpt: 'SSO is available on Enterprise. Add the Acme app in Okta, paste the metadata URL, then enforce SSO under Security.',
    keywords: ['sso', 'okta', 'saml', 'login', 'enterprise'],
  },
];

const STATUS: Record<string, ServiceStatus> = {
  api: { service: 'api', state: 'operational', incident_id: null },
  dashboard: { service: 'dashboard', state: 'operational', incident_id: null },
  webhooks: { service: 'webhooks', state: 'degraded', incident_id: 'INC-7731' },
  billing: { service: 'billing', state: 'operational', incident_id: null },
};

/** Articles ranked by how many of their keywords the query mentions. */
export async function searchKb(args: { query: string; limit: number }): Promise<Article[]> {
  const q = args.query.toLowerCase();
  return ARTICLES.map((a) => ({ a, score: a.keywords.filter((k) => q.includes(k)).length }))
    .filter((x) => x.score > 0)
    .sort((x, y) => y.score - x.score || x.a.id.localeCompare(y.a.id))
    .slice(0, Math.max(0, args.limit))
    .map(({ a }) => ({ id: a.id, title: a.title, url: a.url, excerpt: a.excerpt }));
}

/** The status-page state of one service; unknown services are reported as operational. */
export async function serviceStatus(args: { service: string }): Promise<ServiceStatus> {
  const key = args.service.trim().toLowerCase();
  return STATUS[key] ?? { service: key, state: 'operational', incident_id: null };
}
