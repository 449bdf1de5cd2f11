// Eval reports: a terminal table, JSON, JUnit XML (one testsuite per eval, one testcase per case
// with its repeats folded), and a Markdown and a self-contained HTML report for `--out DIR`.

import type { EvalIR } from '../ir/schema.ts';
import { firstFailure, rel, show, type CaseResult, type EvalResult, type SampleResult } from './runner.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(5) : x.toFixed(4)}`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)}s` : `${Math.round(x)}ms`);

/** A one-line label of a case: its first string-ish field, shortened. */
export function caseLabel(c: CaseResult): string {
  for (const v of Object.values(c.input)) {
    if (typeof v === 'string' && v) return short(v, 60);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const id = o.id ?? o.subject ?? o.version ?? o.title;
      if (typeof id === 'string' || typeof id === 'number') return short(String(id), 60);
    }
  }
  return short(show(c.input), 60);
}

function short(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export function failedSamples(c: CaseResult): SampleResult[] {
  return c.samples.filter((s) => !s.passed);
}

function verdict(r: EvalResult): string {
  if (r.error) return 'ERROR';
  return r.passed ? 'PASS' : 'FAIL';
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
  lines.push(`  latency    mean ${ms(r.latencyMs.mean)}, p95 ${ms(r.latencyMs.p95)}   steps mean ${r.steps.mean.toFixed(1)}, p95 ${r.steps.p95}   escalated ${pct(r.escalationRate)}`);
  if (r.budgetExhausted) lines.push(`  ${c('33', `budget spent: stopped after ${s.run} of ${s.total} samples (${s.skipped} not run)`)}`);
  lines.push('  assertions');
  const w = Math.min(60, Math.max(...r.asserts.map((a) => a.src.length), 10));
  for (const a of r.asserts) {
    const mark = a.passed === a.total ? c('32', '✓') : c('31', '✗');
    lines.push(`    ${mark} ${short(a.src, 60).padEnd(w)}  ${pct(a.rate).padStart(6)}  (${a.passed}/${a.total})  line ${a.line}`);
  }
  const failing = r.cases.filter((x) => !x.passed);
  if (failing.length) {
    lines.push(`  failing cases (${failing.length})`);
    const max = opts.maxFailures ?? 10;
    for (const fc of failing.slice(0, max)) {
      const bad = failedSamples(fc);
      const f = bad[0] && firstFailure(bad[0], ev);
      lines.push(`    #${fc.index + 1} ${caseLabel(fc)}  — ${bad.length}/${fc.samples.length} samples failed (repeats ${bad.map((b) => b.k + 1).join(', ')})`);
      if (f) {
        if (f.assertion) lines.push(`       assert ${f.assertion}`);
        lines.push(`       ${f.expected !== undefined ? `expected ${f.expected}, actual ${f.actual}` : f.reason}`);
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
  out.push(`<testsuites name="agentgraph eval" tests="${tests}" failures="${failures}" errors="${errors}">`);
  for (const { result: r, ev } of results) {
    const t = (r.durationMs / 1000).toFixed(3);
    const caseCount = r.error ? 1 : r.cases.length;
    const fails = r.cases.filter((c) => !c.passed).length;
    out.push(`  <testsuite name="${xmlEscape(r.name)}" tests="${caseCount}" failures="${fails}" errors="${r.error ? 1 : 0}" skipped="0" time="${t}">`);
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
      ['latency_mean_ms', r.latencyMs.mean.toFixed(1)],
      ['latency_p95_ms', r.latencyMs.p95.toFixed(1)],
      ['budget_exhausted', String(r.budgetExhausted)],
    ];
    for (const [k, v] of props) out.push(`      <property name="${k}" value="${xmlEscape(v)}"/>`);
    out.push('    </properties>');
    if (r.error) out.push(`    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(r.name)}"><error message="${xmlEscape(r.error)}"/></testcase>`);
    for (const c of r.cases) {
      const cost = c.samples.reduce((n, s) => n + s.cost, 0);
      const lat = c.samples.length ? c.samples.reduce((n, s) => n + s.latencyMs, 0) / c.samples.length : 0;
      out.push(`    <testcase name="${xmlEscape(`#${c.index + 1} ${caseLabel(c)}`)}" classname="${xmlEscape(`${r.name}`)}" time="${(lat / 1000).toFixed(3)}">`);
      out.push(`      <properties><property name="cost_usd" value="${cost.toFixed(6)}"/><property name="latency_mean_ms" value="${lat.toFixed(1)}"/><property name="samples" value="${c.samples.length}"/></properties>`);
      if (c.samples.length === 0) out.push('      <skipped message="not run: the eval&apos;s cost budget was spent"/>');
      const bad = failedSamples(c);
      if (bad.length) {
        const f = firstFailure(bad[0]!, ev);
        const head = f?.assertion ? `assert ${f.assertion}: ${f.expected !== undefined ? `expected ${f.expected}, actual ${f.actual}` : f.reason}` : (f?.reason ?? 'failed');
        const message = `${bad.length}/${c.samples.length} samples failed (repeats ${bad.map((b) => b.k + 1).join(', ')}); ${head}`;
        const body = bad
          .map((s) => {
            const ff = firstFailure(s, ev);
            const detail = ff ? (ff.assertion ? `assert ${ff.assertion}: ${ff.expected !== undefined ? `expected ${ff.expected}, actual ${ff.actual}` : ff.reason}` : ff.reason) : '';
            return `repeat ${s.k + 1} (seed ${s.seed}): ${detail}${s.tracePath ? `\ntrace: ${s.tracePath}` : ''}`;
          })
          .join('\n');
        out.push(`      <failure message="${xmlEscape(message)}" type="AssertionFailed">${xmlEscape(body)}</failure>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function toMarkdown(results: readonly { result: EvalResult; ev: EvalIR }[], cwd: string): string {
  const out: string[] = ['# AgentGraph eval report', ''];
  out.push('| Eval | Graph | Verdict | Pass rate (95% CI) | Threshold | Cost total | Latency p95 |', '|---|---|---|---|---|---|---|');
  for (const { result: r } of results)
    out.push(`| ${mdCell(r.name)} | ${mdCell(r.graph)} | ${verdict(r)} | ${pct(r.passRate)} (${pct(r.ci.low)}–${pct(r.ci.high)}) | ≥ ${pct(r.threshold)} | ${usd(r.cost.total)} | ${ms(r.latencyMs.p95)} |`);
  for (const { result: r, ev } of results) {
    out.push('', `## ${r.name} (${verdict(r)})`, '', `Graph \`${r.graph}\` in \`${rel(r.source, cwd)}\`.`);
    if (r.error) {
      out.push('', `Error: ${r.error}`);
      continue;
    }
    if (r.budgetExhausted) out.push('', `Cost budget spent: ${r.samples.skipped} of ${r.samples.total} samples not run.`);
    out.push('', '| Assertion | Pass rate |', '|---|---|');
    for (const a of r.asserts) out.push(`| \`${mdCell(a.src)}\` | ${pct(a.rate)} (${a.passed}/${a.total}) |`);
    const failing = r.cases.filter((c) => !c.passed);
    if (failing.length) {
      out.push('', '### Failing cases', '');
      for (const c of failing) {
        const bad = failedSamples(c);
        const f = bad[0] && firstFailure(bad[0], ev);
        out.push(`- **#${c.index + 1} ${mdCell(caseLabel(c))}**: ${bad.length}/${c.samples.length} samples failed`);
        if (f?.assertion) out.push(`  - \`assert ${mdCell(f.assertion)}\`: ${f.expected !== undefined ? `expected \`${mdCell(f.expected)}\`, actual \`${mdCell(f.actual ?? '')}\`` : mdCell(f.reason)}`);
        else if (f) out.push(`  - ${mdCell(f.reason)}`);
        if (bad[0]?.tracePath) out.push(`  - trace: \`${rel(bad[0].tracePath, cwd)}\``);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function fileUrl(p: string): string {
  return `file://${p.split('/').map(encodeURIComponent).join('/')}`;
}

export function toHtml(results: readonly { result: EvalResult; ev: EvalIR }[], cwd: string): string {
  const e = htmlEscape;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AgentGraph eval report</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1e2a3a}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
.pass{color:#17803d;font-weight:600}.fail{color:#b42318;font-weight:600}pre{background:#f5f6f8;padding:6px;max-height:20em;overflow:auto;white-space:pre-wrap}details{margin:.4em 0}code{background:#f0f1f4}
</style></head><body><h1>AgentGraph eval report</h1>`);
  parts.push('<table><tr><th>Eval</th><th>Graph</th><th>Verdict</th><th>Pass rate (95% CI)</th><th>Threshold</th><th>Cost total</th><th>Latency mean / p95</th></tr>');
  for (const { result: r } of results) {
    const v = verdict(r);
    parts.push(
      `<tr><td><a href="#${e(encodeURIComponent(r.name))}">${e(r.name)}</a></td><td>${e(r.graph)}</td><td class="${v === 'PASS' ? 'pass' : 'fail'}">${v}</td><td>${pct(r.passRate)} (${pct(r.ci.low)}–${pct(r.ci.high)})</td><td>≥ ${pct(r.threshold)}</td><td>${e(usd(r.cost.total))}</td><td>${e(ms(r.latencyMs.mean))} / ${e(ms(r.latencyMs.p95))}</td></tr>`,
    );
  }
  parts.push('</table>');
  for (const { result: r, ev } of results) {
    parts.push(`<h2 id="${e(encodeURIComponent(r.name))}">${e(r.name)} <span class="${r.passed ? 'pass' : 'fail'}">${verdict(r)}</span></h2>`);
    parts.push(`<p>Graph <code>${e(r.graph)}</code> in <code>${e(rel(r.source, cwd) ?? r.source)}</code>.</p>`);
    if (r.error) {
      parts.push(`<p class="fail">${e(r.error)}</p>`);
      continue;
    }
    if (r.budgetExhausted) parts.push(`<p class="fail">Cost budget spent: ${r.samples.skipped} of ${r.samples.total} samples not run.</p>`);
    parts.push('<table><tr><th>Assertion</th><th>Pass rate</th></tr>');
    for (const a of r.asserts) parts.push(`<tr><td><code>${e(a.src)}</code></td><td>${pct(a.rate)} (${a.passed}/${a.total})</td></tr>`);
    parts.push('</table><h3>Cases</h3>');
    for (const c of r.cases) {
      const bad = failedSamples(c);
      parts.push(`<details${bad.length ? ' open' : ''}><summary><span class="${c.passed ? 'pass' : 'fail'}">${c.passed ? '✓' : '✗'}</span> #${c.index + 1} ${e(caseLabel(c))} — ${c.samples.length - bad.length}/${c.samples.length} samples passed</summary>`);
      parts.push(`<p>Inputs</p><pre>${e(JSON.stringify(c.input, null, 2))}</pre>`);
      for (const s of c.samples) {
        const f = firstFailure(s, ev);
        parts.push(`<p>Repeat ${s.k + 1} (seed ${s.seed}): <span class="${s.passed ? 'pass' : 'fail'}">${s.passed ? 'passed' : 'failed'}</span>, ${e(usd(s.cost))}, ${e(ms(s.latencyMs))}${s.tracePath ? `, <a href="${e(fileUrl(s.tracePath))}">trace</a>` : ''}</p>`);
        if (f) {
          parts.push(
            f.assertion
              ? `<p>Failing assertion <code>${e(f.assertion)}</code>: ${f.expected !== undefined ? `expected <code>${e(f.expected)}</code>, actual <code>${e(f.actual ?? '')}</code>` : e(f.reason)}</p>`
              : `<p class="fail">${e(f.reason)}</p>`,
          );
          parts.push(`<p>Output</p><pre>${e(JSON.stringify(s.output ?? null, null, 2))}</pre>`);
          parts.push(`<details><summary>Node outputs</summary><pre>${e(JSON.stringify(s.outputs, null, 2))}</pre></details>`);
        }
      }
      parts.push('</details>');
    }
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}
