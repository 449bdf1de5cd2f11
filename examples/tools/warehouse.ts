// Warehouse tools for examples/plan-execute.agentgraph. A tiny deterministic dataset stands in for
// the analytics warehouse and the semantic layer; the SQL tool recognises a few query shapes and
// otherwise answers with an empty result, which is enough to exercise the plan/execute loop.

export interface QueryResult {
  columns: string[];
  rows: string[][];
  truncated: boolean;
}

export interface MetricPoint {
  date: string;
  value: number;
}

export interface MetricSeries {
  metric: string;
  grain: 'day' | 'week' | 'month';
  points: MetricPoint[];
}

const MONTHS = ['2025-06-01', '2025-07-01', '2025-08-01', '2025-09-01', '2025-10-01', '2025-11-01'];

/** Monthly values per metric and region. */
const MONTHLY: Record<string, Record<string, number[]>> = {
  revenue: { EU: [412000, 405500, 398000, 421000, 352300, 389900], NA: [610000, 622000, 615500, 640200, 655000, 668100], APAC: [150200, 149800, 162000, 171500, 176900, 181000] },
  orders: { EU: [8120, 8010, 7905, 8302, 7011, 7698], NA: [11020, 11240, 11105, 11622, 11890, 12050], APAC: [3011, 2998, 3240, 3410, 3522, 3600] },
  active_customers: { EU: [5400, 5380, 5322, 5510, 4980, 5230], NA: [7020, 7150, 7101, 7300, 7420, 7510], APAC: [2100, 2090, 2240, 2330, 2390, 2440] },
  churn_rate: { EU: [0.031, 0.033, 0.035, 0.029, 0.071, 0.04], NA: [0.028, 0.027, 0.029, 0.026, 0.025, 0.026], APAC: [0.04, 0.041, 0.035, 0.033, 0.032, 0.031] },
};

const KNOWN_QUERIES: { pattern: RegExp; result: QueryResult }[] = [
  {
    pattern: /from\s+refunds/i,
    result: {
      columns: ['month', 'region', 'reason', 'refunds_eur'],
      rows: [
        ['2025-09', 'EU', 'duplicate_charge', '4120'],
        ['2025-10', 'EU', 'duplicate_charge', '38950'],
        ['2025-10', 'EU', 'late_delivery', '6210'],
      ],
      truncated: false,
    },
  },
  {
    pattern: /from\s+campaigns/i,
    result: {
      columns: ['campaign_id', 'channel', 'region', 'starts_on', 'ends_on', 'budget_eur'],
      rows: [
        ['CMP-88', 'paid_search', 'EU', '2025-09-01', '2025-09-30', '60000'],
        ['CMP-91', 'paid_search', 'NA', '2025-10-01', '2025-12-31', '90000'],
      ],
      truncated: false,
    },
  },
  {
    pattern: /from\s+orders/i,
    result: {
      columns: ['month', 'region', 'channel', 'orders', 'revenue_eur'],
      rows: [
        ['2025-09', 'EU', 'paid_search', '2410', '122900'],
        ['2025-10', 'EU', 'paid_search', '1190', '60300'],
        ['2025-10', 'EU', 'organic', '5821', '292000'],
      ],
      truncated: false,
    },
  },
];

/** Runs a read-only query. Anything but a single SELECT is refused, as the real role would. */
export async function runSql(args: { sql: string; max_rows: number }): Promise<QueryResult> {
  const sql = args.sql.trim();
  if (!/^(select|with)\b/i.test(sql) || sql.replace(/;\s*$/, '').includes(';')) {
    throw new Error('Only a single read-only SELECT statement is allowed.');
  }
  const hit = KNOWN_QUERIES.find((q) => q.pattern.test(sql));
  const result = hit ? hit.result : { columns: [], rows: [], truncated: false };
  const limit = Math.max(0, args.max_rows);
  return { columns: result.columns, rows: result.rows.slice(0, limit), truncated: result.rows.length > limit };
}

/** A certified metric per month (finer grains are served at monthly resolution in this fake). */
export async function getMetric(args: { metric: string; from_date: string; to_date: string; grain: 'day' | 'week' | 'month'; region?: string | null }): Promise<MetricSeries> {
  const byRegion = MONTHLY[args.metric];
  if (!byRegion) throw new Error(`Unknown metric '${args.metric}'. Known: ${Object.keys(MONTHLY).join(', ')}.`);
  const regions = args.region ? [args.region.toUpperCase()] : Object.keys(byRegion);
  const points: MetricPoint[] = [];
  MONTHS.forEach((date, i) => {
    if (date < args.from_date.slice(0, 7) + '-01' || date > args.to_date) return;
    const values = regions.map((r) => byRegion[r]?.[i] ?? 0);
    const value = args.metric === 'churn_rate' ? values.reduce((a, b) => a + b, 0) / values.length : values.reduce((a, b) => a + b, 0);
    points.push({ date, value: Math.round(value * 1000) / 1000 });
  });
  return { metric: args.metric, grain: 'month', points };
}
