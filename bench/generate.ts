// Generates realistic `.agentgraph` specs of any size for the checker benchmark (and tests): shared
// and per-pipeline types with doc comments, literal unions, lists and nested objects; a handful of
// models and tools; a human reviewer; and pipelines (graphs) of 20 to 50 agents each that use every
// construct the checker reasons about: a triage route over a literal union with `otherwise`,
// sequential chains, a dynamic fan-out and its fan-in, a static fan-out with a join, a write/critic
// loop bounded by `max 2`, supervisors (one nested), a budget that passes, and an eval now and then.
// Every agent is a node of exactly one graph. Output is deterministic: the same size gives the same
// text on every run, so timings are comparable across machines and commits.
//
// The spec is first planned as plain data (SpecPlan), then rendered; `generateJsonDocument` renders
// the same plan as JSON so the benchmark can compare the parser with JSON.parse on similar content.

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** Smallest and largest pipeline; a pipeline needs FIXED_ROLES agents plus a chain of at least 6. */
export const MIN_GRAPH = 20;
export const MAX_GRAPH = 50;
const FIXED_ROLES = 14;

// ------------------------------------------------------------------ plan

export interface ParamPlan {
  name: string;
  type: string;
}

export interface AgentPlan {
  name: string;
  doc: string;
  params: ParamPlan[];
  result: string;
  model: string;
  prompt: string;
  /** Triple-quoted (multi-line) or a one-line string. */
  multiline: boolean;
  system?: string;
  tools: string[];
  retry?: { max: number; strategy: 'exponential' | 'linear' | 'constant'; base: string; cap: string };
  fallback: string[];
  cache?: string;
  timeout?: string;
  maxTokens?: number;
  temperature?: number;
}

export interface CallPlan {
  node: string;
  args: { name?: string; value: string }[];
  forEach?: { variable: string; list: string; max: number };
}

export interface EdgePlan {
  from: string[];
  to: CallPlan[] | { end: string };
  when?: string;
  otherwise?: boolean;
  max?: number;
}

export interface SupervisorPlan {
  name?: string;
  children: string[];
  strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  maxRestarts: number;
  within: string;
  escalate: string;
}

export interface GraphPlan {
  name: string;
  doc: string;
  findingType: string;
  budget: { cost: string; latency: string; steps: number; tokens: number };
  concurrency: number;
  edges: EdgePlan[];
  supervisors: SupervisorPlan[];
  eval?: { name: string };
}

export interface SpecPlan {
  agents: AgentPlan[];
  graphs: GraphPlan[];
}

/** Splits `total` agents into graph sizes within [MIN_GRAPH, MAX_GRAPH], varied but deterministic. */
export function graphSizes(total: number, r: Rand = rng(7)): number[] {
  if (!Number.isInteger(total) || total < MIN_GRAPH) throw new RangeError(`generateSpec needs at least ${MIN_GRAPH} agents, got ${total}`);
  const count = Math.max(1, Math.round(total / 35));
  const sizes = new Array<number>(count).fill(Math.floor(total / count));
  for (let i = 0; i < total % count; i++) sizes[i]!++;
  // Move agents between neighbours so sizes vary while staying in range and summing to total.
  for (let i = 0; i + 1 < count; i += 2) {
    const a = sizes[i]!;
    const b = sizes[i + 1]!;
    const room = Math.min(MAX_GRAPH - a, b - MIN_GRAPH);
    const d = room > 0 ? int(r, 0, room) : 0;
    sizes[i] = a + d;
    sizes[i + 1] = b - d;
  }
  return sizes;
}

const TOPICS = ['refunds', 'invoices', 'outages', 'login problems', 'data exports', 'API limits', 'pricing', 'security reviews', 'onboarding', 'integrations'];
/** Imperative and third-person forms, for prompts and doc comments. */
const VERBS: readonly (readonly [string, string])[] = [
  ['Summarise', 'summarises'],
  ['Normalise', 'normalises'],
  ['Enrich', 'enriches'],
  ['Validate', 'validates'],
  ['Translate', 'translates'],
  ['Classify', 'classifies'],
  ['Score', 'scores'],
  ['Rewrite', 'rewrites'],
  ['Annotate', 'annotates'],
  ['Condense', 'condenses'],
];

function stagePrompt(r: Rand, verb: string, prev: string): { text: string; multiline: boolean } {
  const topic = pick(r, TOPICS);
  if (r() < 0.35) {
    return { text: `${verb} the previous stage for request {{req.id}} ({{req.tier}} tier): {{${prev}.summary}}`, multiline: false };
  }
  return {
    multiline: true,
    text: [
      `You are one stage of a support pipeline that handles ${topic}.`,
      `${verb} what the previous stage produced, keeping every fact and citing the notes you rely on.`,
      '',
      'Request {{req.id}} from {{req.meta.source}} (priority {{req.meta.priority}}, tier {{req.tier}}):',
      '{{req.text}}',
      '',
      `Previous summary: {{${prev}.summary}}`,
      `Previous status: {{${prev}.status}}, score {{${prev}.score}}`,
      `Topics so far: {{${prev}.topics}}`,
      '',
      'Answer with a short summary, a status (ok, needs_review or blocked), a score from 0 to 1,',
      'the topics you covered and any notes for the next stage.',
    ].join('\n'),
  };
}

function agentProps(r: Rand, a: Omit<AgentPlan, 'model' | 'fallback' | 'tools'> & Partial<AgentPlan>): AgentPlan {
  const model = a.model ?? pick(r, ['fast', 'fast', 'fast', 'nano', 'smart', 'local']);
  const out: AgentPlan = { ...a, model, fallback: a.fallback ?? [], tools: a.tools ?? [] };
  const roll = r();
  if (a.retry === undefined && roll < 0.6) {
    out.retry = { max: int(r, 1, 2), strategy: pick(r, ['exponential', 'exponential', 'linear', 'constant'] as const), base: pick(r, ['250ms', '500ms', '1s']), cap: pick(r, ['4s', '8s']) };
  }
  if (a.fallback === undefined && model !== 'smart' && r() < 0.3) out.fallback = ['smart'];
  if (a.cache === undefined && r() < 0.25) out.cache = pick(r, ['1h', '24h']);
  if (a.timeout === undefined && r() < 0.7) out.timeout = pick(r, ['20s', '30s', '45s']);
  if (a.temperature === undefined && r() < 0.2) out.temperature = pick(r, [0, 0.2, 0.7]);
  if (a.maxTokens === undefined && r() < 0.3) out.maxTokens = pick(r, [200, 300, 500]);
  if (a.system === undefined && r() < 0.2) out.system = 'You are careful and concise. Never invent facts that are not in the request.';
  return out;
}

function planGraph(r: Rand, gi: number, size: number, agents: AgentPlan[]): GraphPlan {
  const p = `p${gi}`;
  const n = (role: string) => `${p}_${role}`;
  const finding = `Finding${gi}`;
  const chain = size - FIXED_ROLES;
  const before = Math.floor(chain / 2);
  const after = chain - before;
  const fanWidth = 3;
  const edges: EdgePlan[] = [];
  const call = (node: string, args: CallPlan['args'], forEach?: CallPlan['forEach']): CallPlan => (forEach ? { node, args, forEach } : { node, args });
  const req = { value: 'req' };
  const stage = (name: string, params: ParamPlan[], doc: string, prompt: { text: string; multiline: boolean }, extra: Partial<AgentPlan> = {}) =>
    agents.push(agentProps(r, { name, doc, params, result: 'Stage', prompt: prompt.text, multiline: prompt.multiline, ...extra }));

  // Triage and its route over a literal union.
  const triage = n('triage');
  agents.push(
    agentProps(r, {
      name: triage,
      doc: `Decides which desk of pipeline ${gi} handles a request.`,
      params: [{ name: 'req', type: 'Request' }],
      result: 'Triage',
      model: 'fast',
      prompt: 'Classify this request as billing, technical or other.\nTier: {{req.tier}}, source: {{req.meta.source}}\nTags: {{req.tags}}\n\n{{req.text}}',
      multiline: true,
      retry: { max: 2, strategy: 'exponential', base: '250ms', cap: '4s' },
      fallback: ['smart'],
      cache: '24h',
      timeout: '20s',
    }),
  );
  edges.push({ from: ['start'], to: [call(triage, [req])] });
  const desks = [
    { role: 'billing', when: `${triage}.category == "billing"`, tools: ['lookup_account'] },
    { role: 'technical', when: `${triage}.category == "technical"`, tools: ['search_kb'] },
    { role: 'general', when: undefined, tools: [] },
  ];
  const first = before > 0 ? n('step1') : n('plan');
  for (const d of desks) {
    const name = n(d.role);
    stage(
      name,
      [
        { name: 'req', type: 'Request' },
        { name: 'triage', type: 'Triage' },
      ],
      `The ${d.role} desk of pipeline ${gi}.`,
      { text: `Handle this ${d.role} request (confidence {{triage.confidence}}; reasons: {{triage.reasons}}).\n{{req.text}}`, multiline: true },
      { tools: d.tools, maxTokens: 400 },
    );
    edges.push(d.when ? { from: [triage], to: [call(name, [req, { name: 'triage', value: triage }])], when: d.when } : { from: [triage], to: [call(name, [req, { name: 'triage', value: triage }])], otherwise: true });
  }
  for (const d of desks) edges.push({ from: [n(d.role)], to: [call(first, [req, { name: 'prev', value: n(d.role) }])] });

  // A sequential chain; `prev` threads each stage's output into the next.
  const chainStep = (j: number, prevNode: string | undefined): string => {
    const name = n(`step${j}`);
    const [verb, does] = pick(r, VERBS);
    stage(name, [{ name: 'req', type: 'Request' }, { name: 'prev', type: 'Stage' }], `Stage ${j} of pipeline ${gi}: ${does} the work so far.`, stagePrompt(r, verb, 'prev'), r() < 0.15 ? { tools: ['save_note'] } : {});
    if (prevNode) edges.push({ from: [prevNode], to: [call(name, [req, { name: 'prev', value: prevNode }])] });
    return name;
  };
  let last: string | undefined;
  for (let j = 1; j <= before; j++) last = chainStep(j, last);

  // Dynamic fan-out over the planner's topics, then fan-in.
  const plan = n('plan');
  stage(plan, [{ name: 'req', type: 'Request' }, { name: 'prev', type: 'Stage' }], `Plans the research of pipeline ${gi}: one topic per question to answer.`, stagePrompt(r, 'Plan', 'prev'), { model: 'reasoner', maxTokens: 600, retry: { max: 1, strategy: 'constant', base: '1s', cap: '1s' } });
  if (last) edges.push({ from: [last], to: [call(plan, [req, { name: 'prev', value: last }])] });
  const research = n('research');
  agents.push(
    agentProps(r, {
      name: research,
      doc: `Researches one topic for pipeline ${gi}.`,
      params: [{ name: 'req', type: 'Request' }, { name: 'topic', type: 'string' }],
      result: finding,
      model: 'fast',
      tools: ['search_kb'],
      prompt: 'Find evidence about {{topic}} for request {{req.id}}. Cite sources.\n{{req.text}}',
      multiline: true,
      maxTokens: 300,
    }),
  );
  edges.push({ from: [plan], to: [call(research, [req, { name: 'topic', value: 't' }], { variable: 't', list: `${plan}.topics`, max: 4 })] });
  const digest = n('digest');
  agents.push(
    agentProps(r, {
      name: digest,
      doc: `Condenses the findings of pipeline ${gi}.`,
      params: [{ name: 'req', type: 'Request' }, { name: 'findings', type: `list<${finding}>` }],
      result: 'Stage',
      prompt: 'Condense these findings for request {{req.id}} into one summary: {{findings}}',
      multiline: false,
    }),
  );
  edges.push({ from: [research], to: [call(digest, [req, { name: 'findings', value: research }])] });

  // Static fan-out and a join.
  const fans = Array.from({ length: fanWidth }, (_, k) => n(`review${String.fromCharCode(97 + k)}`));
  for (const f of fans) stage(f, [{ name: 'req', type: 'Request' }, { name: 'prev', type: 'Stage' }], `An independent review in pipeline ${gi}.`, stagePrompt(r, 'Review', 'prev'));
  edges.push({ from: [digest], to: fans.map((f) => call(f, [req, { name: 'prev', value: digest }])) });
  const merge = n('merge');
  stage(
    merge,
    [{ name: 'req', type: 'Request' }, ...fans.map((_, k) => ({ name: `r${k + 1}`, type: 'Stage' }))],
    `Merges the reviews of pipeline ${gi}.`,
    { text: `Merge these reviews of request {{req.id}}:\n${fans.map((_, k) => `- {{r${k + 1}.summary}} ({{r${k + 1}.status}})`).join('\n')}`, multiline: true },
  );
  edges.push({ from: fans, to: [call(merge, [req, ...fans.map((f, k) => ({ name: `r${k + 1}`, value: f }))])] });

  last = merge;
  const afterStart = before + 1;
  for (let j = afterStart; j < afterStart + after; j++) last = chainStep(j, last);

  // Write, criticise, and rewrite at most twice; a person decides when the critic never approves.
  const write = n('write');
  const critic = n('critic');
  const finish = n('finish');
  stage(write, [{ name: 'req', type: 'Request' }, { name: 'prev', type: 'Stage' }], `Writes the answer of pipeline ${gi}.`, stagePrompt(r, 'Write up', 'prev'), { model: 'smart', maxTokens: 600 });
  edges.push({ from: [last], to: [call(write, [req, { name: 'prev', value: last }])] });
  agents.push(
    agentProps(r, {
      name: critic,
      doc: `Checks the answer of pipeline ${gi}.`,
      params: [{ name: 'req', type: 'Request' }, { name: 'draft', type: 'Stage' }],
      result: 'Verdict',
      model: 'fast',
      prompt: 'Does this answer {{draft.summary}} address request {{req.id}}?\n{{req.text}}\nList every problem.',
      multiline: true,
    }),
  );
  edges.push({ from: [write], to: [call(critic, [req, { name: 'draft', value: write }])] });
  edges.push({ from: [critic], to: [call(write, [req, { name: 'prev', value: write }])], when: `!${critic}.ok`, max: 2 });
  edges.push({ from: [critic], to: [call(finish, [req, { name: 'draft', value: write }])], when: `${critic}.ok` });
  edges.push({ from: [critic], to: [call('reviewer', [req])], otherwise: true });
  edges.push({ from: ['reviewer'], to: [call(finish, [req, { name: 'draft', value: 'reviewer' }])] });
  stage(finish, [{ name: 'req', type: 'Request' }, { name: 'draft', type: 'Stage' }], `Sends the answer of pipeline ${gi}.`, { text: 'Send this answer for request {{req.id}} and record a note: {{draft.summary}}', multiline: false }, { tools: ['send_reply', 'save_note'], model: 'fast', maxTokens: 300 });
  edges.push({ from: [finish], to: { end: finish } });

  const steps = Array.from({ length: chain }, (_, j) => n(`step${j + 1}`));
  const early = steps.slice(0, Math.min(3, before));
  const supervisors: SupervisorPlan[] = [];
  if (early.length) supervisors.push({ name: `${p}_front`, children: early, strategy: 'one_for_one', maxRestarts: 2, within: '60s', escalate: 'reviewer' });
  supervisors.push({ name: `${p}_reviews`, children: [...fans, merge], strategy: 'one_for_all', maxRestarts: 1, within: '5m', escalate: 'reviewer' });
  supervisors.push({ children: [`${p}_reviews`, write], strategy: 'rest_for_one', maxRestarts: 1, within: '10m', escalate: 'reviewer' });

  return {
    name: `Pipeline${gi}`,
    doc: `Support pipeline ${gi}: triage, ${chain} processing stages, research, reviews and a checked answer.`,
    findingType: finding,
    budget: { cost: '$5', latency: '2h', steps: 200, tokens: 3_000_000 },
    concurrency: 4,
    edges,
    supervisors,
    eval: gi % 10 === 0 ? { name: `pipeline${gi}_smoke` } : undefined,
  };
}

export function planSpec(agents: number): SpecPlan {
  const r = rng(agents * 2654435761);
  const plan: SpecPlan = { agents: [], graphs: [] };
  graphSizes(agents).forEach((size, gi) => plan.graphs.push(planGraph(r, gi + 1, size, plan.agents)));
  return plan;
}

// ------------------------------------------------------------------ rendering

const HEADER = `// Generated by bench/generate.ts: a synthetic but realistic AgentGraph workspace.

/// Where a request came from and how urgent it is.
type RequestMeta {
  source: "web" | "email" | "api"
  /// 1 is the most urgent.
  priority: integer
  locale: string?
}

/// A customer request entering a pipeline.
type Request {
  /// Stable identifier, e.g. "REQ-1042".
  id: string
  text: string
  tier: "free" | "pro" | "enterprise"
  tags: list<string>
  meta: RequestMeta
}

/// The desk a triage agent picks.
type Triage { category: "billing" | "technical" | "other", confidence: number, reasons: list<string> }

/// What one stage hands to the next.
type Stage {
  summary: string
  status: "ok" | "needs_review" | "blocked"
  /// 0 (useless) to 1 (ready to send).
  score: number
  topics: list<string>
  notes: list<{ author: string, text: string }>
  priority?: Priority
}

/// A critic's verdict on a draft.
type Verdict { ok: boolean, problems: list<string>, severity: "low" | "medium" | "high" }

type Priority = "low" | "normal" | "high"

/// One row of an eval.
type SmokeCase { req: Request, expected_status: "ok" | "needs_review" | "blocked" }

model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 400 }
model smart = openai("gpt-4o") { temperature: 0.2, max_tokens: 800 }
model nano = openai("gpt-4.1-nano") { max_tokens: 300 }
model reasoner = openai("o4-mini") { max_tokens: 1500 }
model local = ollama("llama3.1:8b") {
  base_url: "http://localhost:11434/v1"
  max_tokens: 512
  latency: { ttft: 300ms, tokens_per_second: 40 }
}

/// Searches the knowledge base.
tool search_kb(query: string, limit: integer) -> list<{ title: string, url: string, snippet: string }> {
  description: "Full-text search over help-centre articles"
  effect: read
  timeout: 5s
  impl: "./tools/kb.ts#search"
}
tool lookup_account(account_id: string) -> { plan: "free" | "pro" | "enterprise", balance: number, overdue: boolean } {
  description: "Fetch one customer account"
  effect: read
  timeout: 3s
  impl: "./tools/billing.ts#lookupAccount"
}
tool save_note(request_id: string, text: string) -> { note_id: string } {
  description: "Attach an internal note to a request (same note, same id)"
  effect: idempotent
  timeout: 5s
  impl: "./tools/notes.ts#save"
}
tool send_reply(request_id: string, body: string) -> { message_id: string } {
  description: "Email the customer"
  effect: irreversible
  approve: reviewer
  timeout: 10s
  impl: "./tools/mail.ts#send"
}

/// The on-call support lead.
human reviewer(req: Request) -> Stage {
  prompt: "Please review request {{req.id}} ({{req.tier}}): {{req.text}}"
  timeout: 4h
}
`;

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function renderPrompt(text: string, multiline: boolean): string {
  if (!multiline) return quote(text);
  return `"""\n${text
    .split('\n')
    .map((l) => (l ? `    ${l}` : ''))
    .join('\n')}\n  """`;
}

function renderAgent(a: AgentPlan): string {
  const lines = [`/// ${a.doc}`, `agent ${a.name}(${a.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) -> ${a.result} {`];
  lines.push(`  model: ${a.model}`);
  if (a.system) lines.push(`  system: ${quote(a.system)}`);
  lines.push(`  prompt: ${renderPrompt(a.prompt, a.multiline)}`);
  if (a.tools.length) lines.push(`  tools: [${a.tools.join(', ')}]`);
  if (a.retry) lines.push(`  retry: ${a.retry.max} backoff ${a.retry.strategy}(${a.retry.base}, max: ${a.retry.cap})`);
  if (a.fallback.length) lines.push(`  fallback: [${a.fallback.join(', ')}]`);
  if (a.cache) lines.push(`  cache: ${a.cache}`);
  if (a.timeout) lines.push(`  timeout: ${a.timeout}`);
  const tuning: string[] = [];
  if (a.temperature !== undefined) tuning.push(`temperature: ${a.temperature}`);
  if (a.maxTokens !== undefined) tuning.push(`max_tokens: ${a.maxTokens}`);
  if (tuning.length) lines.push(`  ${tuning.join(', ')}`);
  lines.push('}');
  return lines.join('\n');
}

function renderCall(c: CallPlan): string {
  const args = c.args.map((a) => (a.name ? `${a.name}: ${a.value}` : a.value)).join(', ');
  return `${c.node}(${args})${c.forEach ? ` for ${c.forEach.variable} in ${c.forEach.list} max ${c.forEach.max}` : ''}`;
}

function renderEdge(e: EdgePlan): string {
  const from = e.from.length > 1 ? `[${e.from.join(', ')}]` : e.from[0]!;
  const to = 'end' in e.to ? `end(${e.to.end})` : e.to.length > 1 ? `[${e.to.map(renderCall).join(', ')}]` : renderCall(e.to[0]!);
  let s = `  ${from} -> ${to}`;
  if (e.when) s += ` when ${e.when}`;
  if (e.otherwise) s += ' otherwise';
  if (e.max !== undefined) s += ` max ${e.max}`;
  return s;
}

function renderGraph(g: GraphPlan): string {
  const lines = [
    `/// ${g.doc}`,
    `type ${g.findingType} {`,
    '  topic: string',
    '  evidence: list<string>',
    '  confidence: number',
    '  kind: "fact" | "opinion" | "unknown"',
    '  source: { url: string, title: string }',
    '}',
    '',
    `/// ${g.doc}`,
    `graph ${g.name}(req: Request) -> Stage {`,
    `  budget { cost: ${g.budget.cost}, latency: ${g.budget.latency}, steps: ${g.budget.steps}, tokens: ${g.budget.tokens} }`,
    `  concurrency: ${g.concurrency}`,
    ...g.edges.map(renderEdge),
    ...g.supervisors.map((s) => `  supervise ${s.name ? `${s.name} ` : ''}[${s.children.join(', ')}] ${s.strategy}(max_restarts: ${s.maxRestarts}, within: ${s.within}) escalate ${s.escalate}`),
    '}',
  ];
  if (g.eval) {
    lines.push(
      '',
      `eval ${g.eval.name} for ${g.name} {`,
      `  dataset: ${quote(DATASET_PATH)}`,
      '  case: SmokeCase',
      '  repeat: 2',
      '  pass_rate: 0.9',
      '  assert output.status == case.expected_status',
      '  assert run.cost < $5',
      '}',
    );
  }
  return lines.join('\n');
}

/** Renders a plan as `.agentgraph` text: header declarations, then each graph after its agents. */
export function renderSpec(plan: SpecPlan): string {
  const parts = [HEADER];
  const byGraph = new Map<string, AgentPlan[]>();
  for (const a of plan.agents) {
    const key = a.name.slice(0, a.name.indexOf('_'));
    const l = byGraph.get(key);
    if (l) l.push(a);
    else byGraph.set(key, [a]);
  }
  plan.graphs.forEach((g, i) => {
    for (const a of byGraph.get(`p${i + 1}`) ?? []) parts.push(renderAgent(a));
    parts.push(renderGraph(g));
  });
  return `${parts.join('\n\n')}\n`;
}

/** A spec with `agents` agents (at least MIN_GRAPH) that checks without errors. */
export function generateSpec(agents: number): string {
  return renderSpec(planSpec(agents));
}

/** The dataset the generated evals read, relative to the spec. */
export const DATASET_PATH = 'evals/smoke.jsonl';

/** The eval cases: one JSON object per line, typed by `SmokeCase`. */
export function generateDataset(rows = 20): string {
  const r = rng(rows);
  const lines: string[] = [];
  for (let k = 1; k <= rows; k++) {
    const req = {
      id: `REQ-${1000 + k}`,
      text: `Customer question ${k} about ${pick(r, TOPICS)}.`,
      tier: pick(r, ['free', 'pro', 'enterprise']),
      tags: [pick(r, ['billing', 'technical', 'other'])],
      meta: { source: pick(r, ['web', 'email', 'api']), priority: int(r, 1, 3) },
    };
    lines.push(JSON.stringify({ req, expected_status: pick(r, ['ok', 'ok', 'needs_review']) }));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The files of a generated workspace, by path relative to its root: `spec.agentgraph` and the
 * dataset its evals use. Write them to a folder and `agentgraph check` it, or serve them from an
 * in-memory Host.
 */
export function generateWorkspace(agents: number): Map<string, string> {
  return new Map([
    ['spec.agentgraph', generateSpec(agents)],
    [DATASET_PATH, generateDataset()],
  ]);
}

// ------------------------------------------------------------------ JSON of the same shape

/** The plan as a JSON-friendly document (what a JSON or YAML rendition of the spec would hold). */
function planToDocument(plan: SpecPlan): Record<string, unknown> {
  return {
    models: ['fast', 'smart', 'nano', 'reasoner', 'local'].map((name) => ({ name, provider: 'openai', id: 'gpt-4o-mini', temperature: 0, max_tokens: 400 })),
    agents: plan.agents.map((a) => ({ ...a, params: a.params.map((p) => ({ ...p })) })),
    graphs: plan.graphs.map((g) => ({ ...g })),
  };
}

/**
 * A JSON document with the same content as `generateSpec(agents)`, indented like hand-written JSON
 * and padded (more agents, then a filler string) to exactly `bytes` UTF-8 bytes, so JSON.parse can
 * be timed on input of the same size and a similar shape.
 */
export function generateJsonDocument(agents: number, bytes: number): string {
  const plan = planSpec(agents);
  const doc = planToDocument(plan);
  const list = doc.agents as AgentPlan[];
  const base = plan.agents;
  const render = (): string => JSON.stringify(doc, null, 2);
  const size = (): number => Buffer.byteLength(render(), 'utf8');
  // Add or remove whole agents (estimated from the average size) until one more would not fit.
  let copies = 0;
  for (let round = 0; round < 50; round++) {
    const cur = size();
    const avg = cur / Math.max(1, list.length);
    if (cur <= bytes && bytes - cur < avg * 2) break;
    const k = Math.trunc((bytes - cur) / avg) || (cur > bytes ? -1 : 1);
    if (k > 0) {
      for (let j = 0; j < k; j++, copies++) {
        const src = base[copies % base.length]!;
        list.push({ ...src, name: `${src.name}_copy${copies}` });
      }
    } else list.splice(Math.max(0, list.length + k));
  }
  doc.padding = '';
  doc.padding = ' '.repeat(Math.max(0, bytes - size()));
  return render();
}
