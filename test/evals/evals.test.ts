// The eval harness: assertion built-ins, the Wilson interval, dataset parsing, and `agentgraph
// eval` end to end on a small spec whose scripted fixtures make one case fail on purpose, so the
// failure reports (table, JUnit, JSON, Markdown, HTML) are proven to carry expected vs actual.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type CliIO } from '../../server/src/cli/main.ts';
import type { EvalIR, ExprIR } from '../../server/src/ir/schema.ts';
import { checkAssertion } from '../../server/src/evals/assertions.ts';
import { csvCases, insideRoot, jsonlCases, loadCases, parseCsv } from '../../server/src/evals/dataset.ts';
import { htmlEscape, xmlEscape } from '../../server/src/evals/report.ts';
import { sampleCache, sampleSeed } from '../../server/src/evals/runner.ts';
import { percentile, wilson } from '../../server/src/evals/stats.ts';
import type { Scope } from '../../server/src/runtime/evaluate.ts';
import type { ModelResponse } from '../../server/src/runtime/provider.ts';
import { lit, ref, get, call, bin, not, evalCli } from './helpers.ts';

function scope(): Scope {
  return {
    vars: new Map<string, unknown>([
      ['case', { want: 'billing', n: 3 }],
      ['output', { text: 'See [1] for Details', items: [1, 2, 3], score: 0.81 }],
      ['run', { cost: 0.02, latency: 1200, steps: 3, tokens: 500, retries: 0, escalated: false }],
    ]),
    outputs: new Map<string, unknown>([['triage', { category: 'technical' }]]),
    inputs: new Map(),
    visited: new Set(['triage']),
  };
}
const NODES = new Set(['triage', 'lead']);
const check = (e: ExprIR) => checkAssertion(e, scope(), NODES);

test('built-ins: each is true and false', () => {
  const text = get(ref('output'), 'text');
  const cases: [string, ExprIR, ExprIR][] = [
    ['contains', call('contains', text, lit('[1]')), call('contains', text, lit('[2]'))],
    ['matches', call('matches', text, lit('^See \\[\\d\\]')), call('matches', text, lit('^\\d+$'))],
    ['approx', call('approx', get(ref('output'), 'score'), lit(0.8), lit(0.05)), call('approx', get(ref('output'), 'score'), lit(0.5), lit(0.05))],
    ['len', bin('==', call('len', get(ref('output'), 'items')), lit(3)), bin('==', call('len', get(ref('output'), 'items')), lit(2))],
    ['visited', call('visited', ref('triage')), call('visited', ref('lead'))],
    ['lower', bin('==', call('lower', text), lit('see [1] for details')), bin('==', call('lower', text), text)],
    ['upper', bin('==', call('upper', lit('ab')), lit('AB')), bin('==', call('upper', lit('ab')), lit('ab'))],
    ['abs', bin('<', call('abs', bin('-', lit(1), lit(3))), lit(2.5)), bin('<', call('abs', bin('-', lit(1), lit(3))), lit(1))],
  ];
  for (const [name, yes, no] of cases) {
    assert.equal(check(yes).passed, true, `${name} should pass`);
    const r = check(no);
    assert.equal(r.passed, false, `${name} should fail`);
    assert.ok(r.reason, `${name} failure has a reason`);
  }
});

test('a comparison failure shows both sides', () => {
  const r = check(bin('==', get(ref('triage'), 'category'), get(ref('case'), 'want')));
  assert.equal(r.passed, false);
  assert.equal(r.expected, '"billing"');
  assert.equal(r.actual, '"technical"');
  const lt = check(bin('<', get(ref('run'), 'cost'), lit(0.01)));
  assert.equal(lt.expected, '< 0.01');
  assert.equal(lt.actual, '0.02');
  // A guarded check explains the check, not the guard.
  const guarded = check(bin('||', not(lit(true)), call('contains', get(ref('output'), 'text'), lit('[9]'))));
  assert.match(guarded.reason ?? '', /"See \[1\] for Details" does not contain "\[9\]"/);
  assert.equal(guarded.expected, 'contains "[9]"');
  assert.equal(guarded.actual, '"See [1] for Details"');
});

test('an assertion that throws, or reads a node that did not run, fails with a reason', () => {
  const bad = check(call('matches', get(ref('output'), 'text'), lit('(')));
  assert.equal(bad.passed, false);
  assert.match(bad.reason ?? '', /could not be evaluated: .*invalid regular expression/);
  const missing = check(bin('==', get(ref('lead'), 'reply'), lit('ok')));
  assert.equal(missing.passed, false);
  assert.match(missing.reason ?? '', /node 'lead' did not run/);
  // `visited(lead)` names the node without reading its output: that is fine.
  assert.equal(check(not(call('visited', ref('lead')))).passed, true);
  // Non-boolean results are failures too.
  assert.equal(check(get(ref('output'), 'text')).passed, false);
});

test('Wilson score interval matches known values', () => {
  const close = (got: { low: number; high: number }, low: number, high: number) => {
    assert.ok(Math.abs(got.low - low) < 0.001, `low ${got.low} ≈ ${low}`);
    assert.ok(Math.abs(got.high - high) < 0.001, `high ${got.high} ≈ ${high}`);
  };
  close(wilson(8, 10), 0.49, 0.943);
  close(wilson(0, 10), 0, 0.278);
  close(wilson(10, 10), 0.722, 1);
  close(wilson(50, 100), 0.404, 0.596);
  assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
  assert.equal(percentile([5], 95), 5);
});

test('CSV (RFC 4180) and JSONL datasets', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","he said ""hi"""\n"multi\nline",2\n'), [
    ['a', 'b'],
    ['x, y', 'he said "hi"'],
    ['multi\nline', '2'],
  ]);
  assert.deepEqual(csvCases('q,n,ok,obj\nhello,3,true,"{""a"":1}"\n'), [{ q: 'hello', n: 3, ok: true, obj: { a: 1 } }]);
  assert.throws(() => csvCases('a,b\n1\n'), /row 2 has 1 fields/);
  assert.throws(() => parseCsv('"open'), /unterminated/);
  assert.deepEqual(jsonlCases('{"a":1}\n\n{"a":2}\n'), [{ a: 1 }, { a: 2 }]);
  assert.throws(() => jsonlCases('{"a":1}\nnope\n'), /line 2: not valid JSON/);
  assert.equal(insideRoot('/w/evals/x.jsonl', '/w'), true);
  assert.equal(insideRoot('/w/../etc/passwd', '/w'), false);
});

test('repeat samples get different seeds and separate cache entries', () => {
  const seeds = new Set<number>();
  for (let i = 0; i < 4; i++) for (let k = 0; k < 3; k++) seeds.add(sampleSeed(1, i, 3, k));
  assert.equal(seeds.size, 12);
  const store = new Map<string, ModelResponse>();
  const inner = { get: (k: string) => store.get(k), set: (k: string, r: ModelResponse) => void store.set(k, r) };
  const one = sampleCache(inner, 'e#0#0#1');
  const two = sampleCache(inner, 'e#0#1#2');
  const again = sampleCache(inner, 'e#0#0#1');
  one.set('k', { content: 'x' } as unknown as ModelResponse, 1000);
  assert.equal(two.get('k'), undefined, 'another repeat never sees this answer');
  assert.ok(again.get('k'), 'a re-run of the same sample hits the cache');
});

test('escaping for XML and HTML', () => {
  assert.equal(xmlEscape(`<a b="c" d='e'>&\u0001`), '&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;');
  assert.equal(htmlEscape(`<script>"x"&'y'</script>`), '&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;');
});

// ---- the command end to end ------------------------------------------------------------------

const SPEC = (evalBody: string) => `
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "say {{x}}" }
human lead(x: string) -> T { prompt: "answer {{x}}" }
graph G(x: string) -> T {
  start -> a(x: x)
  a -> end(a)
}
graph H(x: string) -> T {
  start -> lead(x: x)
  lead -> end(lead)
}
${evalBody}
`;

const CHECKS = `eval checks for G {
  cases: [ { x: "hi", want: "yes" }, { x: "<ho & \\"q\\">", want: "no" } ]
  repeat: 2
  pass_rate: 0.5
  assert a.v == case.want
  assert run.cost < $1.00
}
eval strict for G {
  dataset: "cases.csv"
  pass_rate: 1.0
  assert a.v == case.want
}`;

const FIXTURES = { agents: { a: [{ content: { v: 'yes' }, usage: { inputTokens: 1000, outputTokens: 1000 } }] } };

function workspace(body = CHECKS): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-eval-'));
  writeFileSync(path.join(dir, 'g.agentgraph'), SPEC(body));
  writeFileSync(path.join(dir, 'fx.json'), JSON.stringify(FIXTURES));
  writeFileSync(path.join(dir, 'cases.csv'), 'x,want\nhi,yes\n"a, b",yes\n');
  return dir;
}

test('eval: a scripted failure is reported with expected vs actual; thresholds decide the exit code', async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS {2}eval checks for G/);
  assert.match(r.stdout, /pass rate {2}50\.0% \(2\/4 samples; 95% CI 15\.0%–85\.0%\) {2}threshold ≥ 50\.0% {2}met/);
  assert.match(r.stdout, /#2 <ho & "q"> {2}— 2\/2 samples failed \(repeats 1, 2\)/);
  assert.match(r.stdout, /#2 <ho & "q"> {2}— 2\/2 samples failed \(repeats 1, 2\) {2}g\.agentgraph:15\n\s+assert a\.v == case\.want \(line 18\): expected "no", actual "yes"/);
  assert.match(r.stdout, /PASS {2}eval strict for G/);
  assert.match(r.stdout, /2\/2 evals passed/);

  const strict = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--eval', 'checks', '--seed', '5');
  assert.equal(strict.code, 0);
  // Without the fixtures the simulated provider answers freely: the exact-match eval fails.
  const free = await evalCli(dir, 'g.agentgraph', '--eval', 'strict');
  assert.equal(free.code, 1);
  assert.match(free.stdout, /FAIL {2}eval strict/);
  assert.match(free.stdout, /expected "yes", actual "/);
});

test('eval --format junit is well-formed, counts match, text is escaped', async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--format', 'junit');
  assert.equal(r.code, 0);
  const xml = r.stdout;
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  // Well-formed: tags balance, attribute values carry no raw specials.
  const stack: string[] = [];
  for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z]+)((?:\s+[a-z_]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
  const text = xml.replace(/<[^>]*>/g, '');
  assert.doesNotMatch(text.replace(/&(amp|lt|gt|quot|apos);/g, ''), /[<&]/);
  const suites = [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)"/g)];
  assert.deepEqual(
    suites.map((s) => [s[1], s[2], s[3]]),
    [
      ['checks', '2', '1'],
      ['strict', '2', '0'],
    ],
  );
  assert.equal([...xml.matchAll(/<testcase /g)].length, 4);
  assert.equal([...xml.matchAll(/<failure /g)].length, 1);
  assert.match(xml, /<testsuites name="agentgraph eval" tests="4" failures="1" errors="0" time="[\d.]+">/);
  assert.match(xml, /<testcase name="#2 &lt;ho &amp; &quot;q&quot;&gt;"/);
  assert.match(xml, /<failure message="2\/2 samples failed \(repeats 1, 2\); assert a\.v == case\.want: expected &quot;no&quot;, actual &quot;yes&quot;"/);
  assert.match(xml, /<system-out>case 2 \([^)]*g\.agentgraph:15\); samples 2; cost_usd 0\.\d+; latency_mean_ms [\d.]+<\/system-out>/);
  assert.match(xml, /<property name="latency_mean_ms" value="[\d.]+"\/>/);
});

test('eval --format json: repeat samples run with different seeds', async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--eval', 'checks', '--format', 'json', '--seed', '10');
  const data = JSON.parse(r.stdout) as { evals: { samples: { run: number }; cases: { samples: { seed: number; k: number }[] }[] }[] };
  const ev = data.evals[0]!;
  assert.equal(ev.samples.run, 4);
  const seeds = ev.cases.flatMap((c) => c.samples.map((s) => s.seed));
  assert.deepEqual(seeds, [10, 11, 12, 13]);
});

test('eval: the cost budget stops scheduling and is reported', async () => {
  const dir = workspace(`eval capped for G {
  cases: [ { x: "1" }, { x: "2" }, { x: "3" }, { x: "4" } ]
  pass_rate: 0.5
  max_cost: $0.0005
  assert len(a.v) >= 0
}`);
  const r = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--concurrency', '1');
  assert.equal(r.code, 1, 'an eval cut short by its budget fails');
  assert.match(r.stdout, /budget spent: stopped after 1 of 4 samples \(3 not run\)/);
  const json = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--concurrency', '1', '--format', 'json');
  const ev = (JSON.parse(json.stdout) as { evals: { budgetExhausted: boolean; samples: { skipped: number } }[] }).evals[0]!;
  assert.equal(ev.budgetExhausted, true);
  assert.equal(ev.samples.skipped, 3);
});

test('eval: a human node without --answers fails the sample clearly; --answers answers it', async () => {
  const dir = workspace(`eval humans for H {
  cases: [ { x: "1" } ]
  pass_rate: 1.0
  assert lead.v == "ok"
}`);
  const r = await evalCli(dir, 'g.agentgraph');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /run failed: .*'lead' must answer, but no human channel is configured/);
  writeFileSync(path.join(dir, 'answers.json'), JSON.stringify({ lead: { v: 'ok' } }));
  const ok = await evalCli(dir, 'g.agentgraph', '--answers', 'answers.json');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});

test('eval --out writes Markdown, self-contained HTML (escaped), JSON and JUnit', async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--out', 'reports');
  assert.equal(r.code, 0);
  for (const f of ['report.md', 'report.html', 'results.json', 'junit.xml']) assert.ok(existsSync(path.join(dir, 'reports', f)), f);
  const html = readFileSync(path.join(dir, 'reports', 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<ho &/);
  assert.match(html, /&lt;ho &amp; \\&quot;q\\&quot;&gt;|&lt;ho &amp; &quot;q&quot;&gt;/);
  assert.match(html, /expected <code>&quot;no&quot;<\/code>, actual <code>&quot;yes&quot;<\/code>/);
  assert.match(html, /href="file:\/\/[^"]*trace\.jsonl"/);
  assert.doesNotMatch(html, /<script|<link|src="http/);
  const md = readFileSync(path.join(dir, 'reports', 'report.md'), 'utf8');
  assert.match(md, /\| checks \| G \| PASS \| 50\.0% \(15\.0%–85\.0%\)/);
  assert.match(md, /expected `"no"`, actual `"yes"`/);
});

test('eval: usage errors exit 2', async () => {
  const dir = workspace();
  assert.equal((await evalCli(dir)).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--format', 'xml')).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--provider', 'x')).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--seed', 'abc')).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--concurrency', '0')).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--eval', 'nope')).code, 2);
  assert.equal((await evalCli(dir, 'missing.agentgraph')).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--fixtures', 'nope.json')).code, 2);
  assert.equal((await evalCli(dir, 'g.agentgraph', '--bogus')).code, 2);
});

test('eval: a dataset outside the workspace root is refused', async () => {
  const dir = workspace(`eval outside for G {
  dataset: "../outside.jsonl"
  pass_rate: 1.0
  assert a.v == "x"
}`);
  // The checker already refuses it (the spec has an error, so its evals do not run) …
  const r = await evalCli(dir, 'g.agentgraph');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /outside the workspace/);
  assert.match(r.stderr, /its evals were not run/);
  // … and the runner refuses it again for IR built some other way.
  const ev = { name: 'e', graph: 'G', dataset: path.join(dir, '..', 'outside.jsonl'), repeat: 1, passRate: 1, asserts: [] } as unknown as EvalIR;
  assert.throws(() => loadCases(ev, dir), /outside the workspace root/);
});

test('eval: a progress bar on a terminal, progress lines otherwise', async () => {
  const dir = workspace();
  let stderr = '';
  const io: CliIO = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s), isTTY: true }, cwd: dir, env: { NO_COLOR: '1' } };
  assert.equal(await main(['eval', 'g.agentgraph', '--fixtures', 'fx.json', '--eval', 'checks'], io), 0);
  assert.ok(stderr.includes('\r\u001b[2Keval checks (g.agentgraph) ['), stderr);
  assert.match(stderr, /\[#+-*\] 4\/4/);
  const plain = await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--eval', 'checks');
  assert.match(plain.stderr, /eval checks \(g\.agentgraph\): running\n/);
  assert.match(plain.stderr, /4\/4 samples run, 2 failed/);
  assert.ok(!plain.stderr.includes('\u001b'), 'no escape codes off a terminal');
});
