// `agentgraph eval` end to end with per-case fixtures and answers, a judge model, variants and
// `--case`: test-only fixtures make some cases fail on purpose, so the reports are proven to name
// the case, the failing assertion (line, expected vs actual), the judge's reasoning and the trace.
// The JUnit output is validated against the Jenkins junit-10 schema with xmllint, and every
// example's evals are run on the simulated provider with their fixtures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { EvalResult } from '../../server/src/evals/runner.ts';
import { evalCli } from './helpers.ts';

const SPEC = `
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
model smart = openai("gpt-4o") { temperature: 0, max_tokens: 100 }
type T { v: string }
agent a(x: string) -> T { model: smart, prompt: "say {{x}}" }
human lead(x: string) -> T { prompt: "answer {{x}}" }
graph G(x: string) -> T {
  start -> a(x: x)
  a -> lead(x: x) when a.v == "ask"
  a -> end(a) otherwise
  lead -> end(lead)
}
eval judged for G {
  dataset: "cases.jsonl"
  repeat: 2
  pass_rate: 0.5
  judge: fast
  assert a.v == case.want
  assert visited(lead) || judge(output.v, "Says yes politely")
  variants: {
    as_written: {}
    cheap: { a: { model: fast } }
  }
}
`;

const answer = (v: string) => ({ content: { v }, latencyMs: 100 });
const CASES = [
  { id: 'yes-case', x: 'hi', want: 'yes', fixtures: { agents: { a: [answer('yes')], judge: [{ content: { score: 0.9, reasoning: 'A polite yes.' } }] } } },
  { id: 'judge-fails', x: 'hm', want: 'yes', fixtures: 'fx/judge-fails.json' },
  { x: 'ask', want: 'ask', fixtures: { agents: { a: [answer('ask')] } }, answers: { lead: { v: 'ok' } } },
  { id: 'wrong', x: 'no', want: 'no', fixtures: { agents: { a: [answer('yes')], judge: [{ content: { score: 0.8, reasoning: 'Fine.' } }] } } },
];
const JUDGE_FAILS = { agents: { a: [answer('yes')], judge: [{ content: { score: 0.3, reasoning: 'Curt, not polite.' } }] } };

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-evalf-'));
  writeFileSync(path.join(dir, 'g.agentgraph'), SPEC);
  writeFileSync(path.join(dir, 'cases.jsonl'), `${CASES.map((c) => JSON.stringify(c)).join('\n')}\n`);
  mkdirSync(path.join(dir, 'fx'));
  writeFileSync(path.join(dir, 'fx', 'judge-fails.json'), JSON.stringify(JUDGE_FAILS));
  return dir;
}

const json = (s: string) => (JSON.parse(s) as { passed: boolean; evals: EvalResult[] }).evals[0]!;

test('eval JSON: cases by id and source line, assertion results with ranges, judge verdicts, traces', async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const ev = json(r.stdout);
  assert.deepEqual(ev.cases.map((c) => [c.id, c.index, c.source.line, c.source.kind, path.basename(c.source.file)]), [
    ['yes-case', 0, 1, 'dataset', 'cases.jsonl'],
    ['judge-fails', 1, 2, 'dataset', 'cases.jsonl'],
    ['3', 2, 3, 'dataset', 'cases.jsonl'],
    ['wrong', 3, 4, 'dataset', 'cases.jsonl'],
  ]);
  assert.deepEqual(ev.cases.map((c) => c.passed), [true, false, true, false]);
  assert.equal(ev.passRate, 0.5);
  const wrong = ev.cases[3]!.samples[0]!.asserts[0]!;
  assert.deepEqual([wrong.src, wrong.line, wrong.range.start.line, wrong.passed, wrong.expected, wrong.actual, wrong.expectedValue, wrong.actualValue], ['a.v == case.want', 18, 17, false, '"no"', '"yes"', 'no', 'yes']);
  const judged = ev.cases[1]!.samples[0]!.asserts[1]!;
  assert.equal(judged.passed, false);
  assert.deepEqual([judged.judge?.[0]?.score, judged.judge?.[0]?.reasoning, judged.expected, judged.actual], [0.3, 'Curt, not polite.', 'score ≥ 0.7', '0.30']);
  // The human-answered case never asks the judge: the assertion holds whatever it would say.
  const human = ev.cases[2]!.samples[0]!;
  assert.equal(human.human, true);
  assert.equal(human.asserts[1]!.judge?.[0]?.skipped, true);
  assert.equal(human.judgeCostUsd, 0);
  assert.equal(ev.judge, 'fast');
  assert.equal(ev.judgeCost.calls, 6, 'two repeats of the three cases the agent answered');
  assert.ok(ev.judgeCost.total > 0);
  assert.equal(ev.humanRate, 0.25);
  for (const s of ev.cases.flatMap((c) => c.samples)) assert.ok(s.tracePath && existsSync(s.tracePath), `trace of ${s.caseId}`);
});

test('eval variants: compared side by side, the cheaper equal-quality variant is Pareto-best', async () => {
  const dir = workspace();
  const ev = json((await evalCli(dir, 'g.agentgraph', '--format', 'json')).stdout);
  const [asWritten, cheap] = ev.variants!;
  assert.deepEqual([asWritten!.name, cheap!.name], ['as_written', 'cheap']);
  assert.deepEqual(cheap!.overrides, [{ agent: 'a', model: 'fast' }]);
  assert.equal(asWritten!.passRate, ev.passRate, 'an empty variant is the spec as written');
  assert.equal(cheap!.passRate, ev.passRate, 'the fixtures answer the same whatever the model');
  assert.ok(cheap!.cost.mean < asWritten!.cost.mean, `${cheap!.cost.mean} < ${asWritten!.cost.mean}`);
  assert.equal(cheap!.latencyMs.mean, asWritten!.latencyMs.mean);
  assert.deepEqual([asWritten!.paretoBest, cheap!.paretoBest], [false, true]);
  assert.equal(cheap!.cases.length, 4);
  const table = await evalCli(dir, 'g.agentgraph');
  assert.match(table.stdout, /variants \(\* = Pareto-best/);
  assert.match(table.stdout, /\n {4}\* cheap +50\.0% \(/);
  assert.match(table.stdout, /\n {6}as_written +50\.0% \(/);
});

test('eval --case: by id or number, comma-separated or repeated; same seeds as the full run', async () => {
  const dir = workspace();
  const full = json((await evalCli(dir, 'g.agentgraph', '--format', 'json')).stdout);
  const some = await evalCli(dir, 'g.agentgraph', '--format', 'json', '--case', 'yes-case,3');
  assert.equal(some.code, 0);
  const ev = json(some.stdout);
  assert.deepEqual(ev.cases.map((c) => c.id), ['yes-case', '3']);
  assert.deepEqual(ev.cases[1]!.samples.map((s) => s.seed), full.cases[2]!.samples.map((s) => s.seed));
  const failing = await evalCli(dir, 'g.agentgraph', '--case', 'judge-fails', '--case', 'wrong');
  assert.equal(failing.code, 1, 'a selection that misses the pass rate fails');
  assert.match(failing.stdout, /pass rate {2}0\.0% \(0\/4 samples/);
  const unknown = await evalCli(dir, 'g.agentgraph', '--case', 'nope');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no case with id 'nope'; the cases are: yes-case, judge-fails, 3, wrong/);
});

test('eval table, Markdown and HTML: failing case, assertion line, expected vs actual, judge reasoning, trace', async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--out', 'out');
  assert.match(r.stdout, /#2 \[judge-fails\] hm {2}— 2\/2 samples failed \(repeats 1, 2\) {2}cases\.jsonl:2\n\s+assert visited\(lead\) \|\| judge\(output\.v, "Says yes politely"\) \(line 19\): expected score ≥ 0\.7, actual 0\.30\n\s+judge fast: score 0\.30 < 0\.7: Curt, not polite\./);
  assert.match(r.stdout, /#4 \[wrong\] no {2}— 2\/2 samples failed \(repeats 1, 2\) {2}cases\.jsonl:4\n\s+assert a\.v == case\.want \(line 18\): expected "no", actual "yes"\n\s+trace \.agentgraph\/runs\/G-[^\n]*\/trace\.jsonl/);
  assert.match(r.stdout, /judge {6}fast: 6 calls, \$[\d.]+ \(counts towards the budget\)/);
  const md = readFileSync(path.join(dir, 'out', 'report.md'), 'utf8');
  assert.match(md, /❌ \*\*#4 \[wrong\] no\*\* \(`cases\.jsonl:4`\): 0\/2 samples passed/);
  assert.match(md, /repeat 1: `assert a\.v == case\.want` \(line 18\): expected `"no"`, actual `"yes"`/);
  // Shown relative to the working directory, linked relative to the report's folder.
  assert.match(md, /trace: \[\.agentgraph\/runs\/G-[^\]]*\/trace\.jsonl\]\(\.\.\/\.agentgraph\/runs\/G-[^)]*\/trace\.jsonl\)/);
  assert.match(md, /Inputs:\n\n\s+```json\n\s+\{\n\s+"id": "wrong",\n\s+"x": "no",\n\s+"want": "no"\n\s+\}/, 'inputs without the offline script');
  assert.match(md, /\| cheap \| 50\.0% \([^)]*\) \| \$[\d.]+ \| [\d.]+m?s \| 25\.0% \| met \| ★ \|/);
  const html = readFileSync(path.join(dir, 'out', 'report.html'), 'utf8');
  assert.match(html, /Judge fast on <code>visited\(lead\) \|\| judge\(output\.v, &quot;Says yes politely&quot;\)<\/code>: score 0\.30 \(needs ≥ 0\.7\) — Curt, not polite\./);
  assert.match(html, /Failing assertion <code>a\.v == case\.want<\/code> \(line 18\): expected <code>&quot;no&quot;<\/code>, actual <code>&quot;yes&quot;<\/code>/);
  assert.match(html, /<h3>Variants<\/h3>.*★ cheap/s);
});

const xmllint = spawnSync('xmllint', ['--version']).status === 0;

test('eval --format junit validates against the junit-10 schema', { skip: xmllint ? false : 'xmllint is not installed (apt package libxml2-utils)' }, async () => {
  const dir = workspace();
  const r = await evalCli(dir, 'g.agentgraph', '--format', 'junit');
  assert.equal(r.code, 0);
  const file = path.join(dir, 'junit.xml');
  writeFileSync(file, r.stdout);
  const xsd = path.resolve('test/evals/junit-10.xsd');
  execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
  // The schema check is real: properties inside a test case, which junit-10 forbids, are caught.
  writeFileSync(file, r.stdout.replace('<system-out>', '<properties><property name="a" value="b"/></properties><system-out>'));
  const bad = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /properties.*not expected/);
});

test('every example eval meets its thresholds on the simulated provider with its fixtures', async () => {
  const r = await evalCli(path.resolve('.'), 'examples', '--format', 'json', '--no-cache');
  const data = JSON.parse(r.stdout) as { passed: boolean; evals: EvalResult[] };
  assert.deepEqual(data.evals.filter((e) => !e.passed).map((e) => `${e.name}: ${e.error ?? e.passRate}`), []);
  assert.equal(data.evals.length, 6);
  assert.equal(r.code, 0, r.stderr);
});

test('judge calls count towards the eval budget', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-evalb-'));
  // The runs cost nothing (scripted answers with zero usage); only the judge spends money.
  const free = { content: { v: 'yes' }, usage: { inputTokens: 0, outputTokens: 0 } };
  const judge = { content: { score: 0.9, reasoning: 'ok' }, usage: { inputTokens: 5000, outputTokens: 5000 } };
  writeFileSync(path.join(dir, 'fx.json'), JSON.stringify({ agents: { a: [free], judge: [judge] } }));
  writeFileSync(
    path.join(dir, 'g.agentgraph'),
    `${SPEC.replace(/eval judged[\s\S]*$/, '')}eval budgeted for G {
  cases: [ { x: "1" }, { x: "2" }, { x: "3" } ]
  pass_rate: 0.5
  max_cost: $0.001
  judge: fast
  assert judge(output.v, "Says yes")
}
`,
  );
  const ev = json((await evalCli(dir, 'g.agentgraph', '--fixtures', 'fx.json', '--concurrency', '1', '--format', 'json')).stdout);
  assert.equal(ev.cost.total, 0);
  assert.ok(ev.judgeCost.total >= 0.001, `judge cost ${ev.judgeCost.total}`);
  assert.equal(ev.budgetExhausted, true);
  assert.deepEqual([ev.samples.run, ev.samples.skipped], [1, 2]);
});
