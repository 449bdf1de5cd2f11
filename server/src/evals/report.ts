// Eval reports: a terminal table, JSON, and JUnit XML (one testsuite per eval, one testcase per case
// with its repeats folded; valid against the common junit-10 schema). The Markdown and HTML reports
// for `--out DIR` are in report-doc.ts.

import type { EvalIR } from '../ir/schema.ts';
import { caseName, failedSamples, failureLine, judgeNotes, ms, pct, short, usd, verdict } from './report-common.ts';
import { rel, type EvalResult, type VariantResult } from './runner.ts';

export { caseLabel, caseName, failedSamples } from './report-common.ts';
export { htmlEscape, toHtml, toMarkdown } from './report-doc.ts';

/** The variant comparison as aligned text rows (header first); `*` marks the Pareto-best. */
export function variantRows(vs: readonly VariantResult[]): string[] {
  const head = ['variant', 'pass rate (95% CI)', 'mean cost', 'mean latency', 'human', 'threshold'];
  const rows = vs.map((v) => [
    `${v.paretoBest ? '*' : ' '} ${v.name}`,
    v.error ? `error: ${v.error}` : `${pct(v.passRate)} (${pct(v.ci.low)}–${pct(v.ci.high)})`,
    usd(v.cost.mean),
    ms(v.latencyMs.mean),
    pct(v.humanRate),
    v.passed ? 'met' : 'NOT met',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** The terminal table of one eval. */
export function formatTable(r: EvalResult, ev: EvalIR, opts: { color?: boolean; cwd: string; maxFailures?: number }): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const v = verdict(r);
  const vc = c(v === 'PASS' ? '32;1' : '31;1', v);
  const lines: string[] = [];
  lines.push(`${vc}  eval ${c('1', r.name)} for ${r.graph}  (${rel(r.source, opts.cwd)})`);
  if (r.error) {
    lines.push(`  error: ${r.error}`);
    return `${lines.join('\n')}\n`;
  }
  const s = r.samples;
  lines.push(
    `  pass rate  ${pct(r.passRate)} (${s.passed}/${s.run} samples; 95% CI ${pct(r.ci.low)}–${pct(r.ci.high)})  threshold ≥ ${pct(r.threshold)}  ${r.passRate >= r.threshold ? 'met' : c('31', 'NOT met')}`,
  );
  lines.push(`  cases      ${r.cases.length} × ${r.repeat} repeat${r.repeat === 1 ? '' : 's'}; ${r.cases.filter((x) => x.samples.length && x.passed).length} passed every sample`);
  lines.push(
    `  cost       total ${usd(r.cost.total)}${r.maxCostUsd !== undefined ? ` of ${usd(r.maxCostUsd)} budget` : ''}; per run mean ${usd(r.cost.mean)}, p95 ${usd(r.cost.p95)}`,
  );
  if (r.judgeCost.calls > 0) lines.push(`  judge      ${r.judge ?? '?'}: ${r.judgeCost.calls} call${r.judgeCost.calls === 1 ? '' : 's'}, ${usd(r.judgeCost.total)} (counts towards the budget)`);
  lines.push(`  latency    mean ${ms(r.latencyMs.mean)}, p95 ${ms(r.latencyMs.p95)}   steps mean ${r.steps.mean.toFixed(1)}, p95 ${r.steps.p95}   human ${pct(r.humanRate)}   escalated ${pct(r.escalationRate)}`);
  if (r.budgetExhausted) lines.push(`  ${c('33', `budget spent: stopped after ${s.run} of ${s.total} samples (${s.skipped} not run)`)}`);
  lines.push('  assertions');
  const w = Math.min(60, Math.max(...r.asserts.map((a) => a.src.length), 10));
  for (const a of r.asserts) {
    const mark = a.passed === a.total ? c('32', '✓') : c('31', '✗');
    lines.push(`    ${mark} ${short(a.src, 60).padEnd(w)}  ${pct(a.rate).padStart(6)}  (${a.passed}/${a.total})  line ${a.line}`);
  }
  if (r.variants?.length) {
    lines.push('  variants (* = Pareto-best: no other has a higher pass rate, lower cost and lower latency)');
    for (const row of variantRows(r.variants)) lines.push(`    ${row}`);
  }
  const failing = r.cases.filter((x) => !x.passed);
  if (failing.length) {
    lines.push(`  failing cases (${failing.length})`);
    const max = opts.maxFailures ?? 10;
    for (const fc of failing.slice(0, max)) {
      const bad = failedSamples(fc);
      lines.push(`    ${caseName(fc)}  — ${bad.length}/${fc.samples.length} samples failed (repeats ${bad.map((b) => b.k + 1).join(', ')})  ${rel(fc.source.file, opts.cwd)}:${fc.source.line}`);
      if (bad[0]) {
        lines.push(`       ${failureLine(bad[0], ev)}`);
        for (const n of judgeNotes(bad[0])) lines.push(`       ${short(n, 200)}`);
      }
      const tp = bad[0]?.tracePath;
      if (tp) lines.push(`       trace ${rel(tp, opts.cwd)}`);
    }
    if (failing.length > max) lines.push(`    … and ${failing.length - max} more (see --format json or --out DIR)`);
  }
  return `${lines.join('\n')}\n`;
}

export function toJson(results: readonly EvalResult[]): string {
  return `${JSON.stringify({ passed: results.every((r) => r.passed), evals: results }, null, 2)}\n`;
}

export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids are dropped; the five specials become entities.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

export function toJUnit(results: readonly { result: EvalResult; ev: EvalIR }[]): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = results.reduce((n, x) => n + Math.max(1, x.result.cases.length), 0);
  const failures = results.reduce((n, x) => n + x.result.cases.filter((c) => !c.passed).length, 0);
  const errors = results.filter((x) => x.result.error).length;
  const totalTime = results.reduce((n, x) => n + x.result.durationMs, 0) / 1000;
  out.push(`<testsuites name="agentgraph eval" tests="${tests}" failures="${failures}" errors="${errors}" time="${totalTime.toFixed(3)}">`);
  for (const { result: r, ev } of results) {
    const t = (r.durationMs / 1000).toFixed(3);
    const caseCount = r.error ? 1 : r.cases.length;
    const fails = r.cases.filter((c) => !c.passed).length;
    const skipped = r.cases.filter((c) => c.samples.length === 0).length;
    out.push(`  <testsuite name="${xmlEscape(r.name)}" tests="${caseCount}" failures="${fails}" errors="${r.error ? 1 : 0}" skipped="${skipped}" time="${t}" file="${xmlEscape(r.source)}">`);
    out.push('    <properties>');
    const props: [string, string][] = [
      ['graph', r.graph],
      ['source', r.source],
      ['pass_rate', r.passRate.toFixed(4)],
      ['pass_rate_threshold', String(r.threshold)],
      ['pass_rate_ci_low', r.ci.low.toFixed(4)],
      ['pass_rate_ci_high', r.ci.high.toFixed(4)],
      ['verdict', verdict(r)],
      ['cost_total_usd', r.cost.total.toFixed(6)],
      ['cost_mean_usd', r.cost.mean.toFixed(6)],
      ['cost_p95_usd', r.cost.p95.toFixed(6)],
      ['judge_cost_usd', r.judgeCost.total.toFixed(6)],
      ['latency_mean_ms', r.latencyMs.mean.toFixed(1)],
      ['latency_p95_ms', r.latencyMs.p95.toFixed(1)],
      ['human_rate', r.humanRate.toFixed(4)],
      ['budget_exhausted', String(r.budgetExhausted)],
    ];
    for (const v of r.variants ?? []) {
      props.push([`variant.${v.name}.pass_rate`, v.passRate.toFixed(4)], [`variant.${v.name}.cost_mean_usd`, v.cost.mean.toFixed(6)], [`variant.${v.name}.latency_mean_ms`, v.latencyMs.mean.toFixed(1)], [`variant.${v.name}.pareto_best`, String(v.paretoBest)]);
    }
    for (const [k, v] of props) out.push(`      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`);
    out.push('    </properties>');
    if (r.error) out.push(`    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(r.name)}"><error message="${xmlEscape(r.error)}"/></testcase>`);
    for (const c of r.cases) {
      const cost = c.samples.reduce((n, s) => n + s.cost, 0);
      const lat = c.samples.length ? c.samples.reduce((n, s) => n + s.latencyMs, 0) / c.samples.length : 0;
      out.push(`    <testcase name="${xmlEscape(caseName(c))}" classname="${xmlEscape(r.name)}" time="${(lat / 1000).toFixed(3)}">`);
      if (c.samples.length === 0) out.push('      <skipped message="not run: the eval&apos;s cost budget was spent"/>');
      const bad = failedSamples(c);
      if (bad.length) {
        const message = `${bad.length}/${c.samples.length} samples failed (repeats ${bad.map((b) => b.k + 1).join(', ')}); ${failureLine(bad[0]!, ev).replace(/ \(line \d+\)/, '')}`;
        const body = bad.map((s) => [`repeat ${s.k + 1} (seed ${s.seed}): ${failureLine(s, ev)}`, ...judgeNotes(s), ...(s.tracePath ? [`trace: ${s.tracePath}`] : [])].join('\n')).join('\n');
        out.push(`      <failure message="${xmlEscape(message)}" type="AssertionFailed">${xmlEscape(body)}</failure>`);
      }
      // junit-10 allows no properties on a test case, so its numbers go to system-out.
      out.push(`      <system-out>${xmlEscape(`case ${c.id} (${c.source.file}:${c.source.line}); samples ${c.samples.length}; cost_usd ${cost.toFixed(6)}; latency_mean_ms ${lat.toFixed(1)}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
