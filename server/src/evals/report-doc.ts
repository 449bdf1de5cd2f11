// The Markdown and self-contained HTML eval reports `--out DIR` writes: a summary table, then per
// eval its assertions, the variant comparison, and every case with its inputs; failing samples show
// the failing assertion (expected vs actual, its line), the judge's reasoning, the output and a
// link to the trace. Model output is escaped everywhere: it is data, never markup.

import * as path from 'node:path';
import type { EvalIR } from '../ir/schema.ts';
import { caseInputs, caseName, failedSamples, failureLine, judgeNotes, ms, pct, usd, verdict } from './report-common.ts';
import { firstFailure, rel, type EvalResult, type VariantResult } from './runner.ts';

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function json(v: unknown): string {
  return JSON.stringify(v ?? null, null, 2) ?? 'null';
}

/** A fenced block that no backtick run inside the text can close early. */
function fence(text: string, lang = 'json'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

function mdVariants(vs: readonly VariantResult[]): string[] {
  const out = ['', '| Variant | Pass rate (95% CI) | Mean cost | Mean latency | Human | Threshold | Pareto-best |', '|---|---|---|---|---|---|---|'];
  for (const v of vs) {
    const rate = v.error ? `error: ${mdCell(v.error)}` : `${pct(v.passRate)} (${pct(v.ci.low)}–${pct(v.ci.high)})`;
    out.push(`| ${mdCell(v.name)} | ${rate} | ${usd(v.cost.mean)} | ${ms(v.latencyMs.mean)} | ${pct(v.humanRate)} | ${v.passed ? 'met' : 'NOT met'} | ${v.paretoBest ? '★' : ''} |`);
  }
  return out;
}

/** `dir` is where the report is written (links are relative to it); paths shown are relative to `cwd`. */
export function toMarkdown(results: readonly { result: EvalResult; ev: EvalIR }[], dir: string, cwd = dir): string {
  const out: string[] = ['# AgentGraph eval report', ''];
  out.push('| Eval | Graph | Verdict | Pass rate (95% CI) | Threshold | Cost total | Judge cost | Latency p95 |', '|---|---|---|---|---|---|---|---|');
  for (const { result: r } of results)
    out.push(`| ${mdCell(r.name)} | ${mdCell(r.graph)} | ${verdict(r)} | ${pct(r.passRate)} (${pct(r.ci.low)}–${pct(r.ci.high)}) | ≥ ${pct(r.threshold)} | ${usd(r.cost.total)} | ${usd(r.judgeCost.total)} | ${ms(r.latencyMs.p95)} |`);
  for (const { result: r, ev } of results) {
    out.push('', `## ${r.name} (${verdict(r)})`, '', `Graph \`${r.graph}\` in \`${rel(r.source, cwd)}\`.`);
    if (r.error) {
      out.push('', `Error: ${r.error}`);
      continue;
    }
    if (r.budgetExhausted) out.push('', `Cost budget spent: ${r.samples.skipped} of ${r.samples.total} samples not run.`);
    out.push('', '| Assertion | Line | Pass rate |', '|---|---|---|');
    for (const a of r.asserts) out.push(`| \`${mdCell(a.src)}\` | ${a.line} | ${pct(a.rate)} (${a.passed}/${a.total}) |`);
    if (r.variants?.length) out.push('', '### Variants', ...mdVariants(r.variants), '', '★ Pareto-best: no other variant has a higher pass rate, a lower mean cost and a lower mean latency.');
    out.push('', '### Cases', '');
    for (const c of r.cases) {
      const bad = failedSamples(c);
      const where = `${rel(c.source.file, cwd)}:${c.source.line}`;
      out.push(`- ${c.passed ? '✅' : '❌'} **${mdCell(caseName(c))}** (\`${where}\`): ${c.samples.length - bad.length}/${c.samples.length} samples passed`);
      for (const s of bad) {
        const f = firstFailure(s, ev);
        if (f?.assertion) out.push(`  - repeat ${s.k + 1}: \`assert ${mdCell(f.assertion)}\` (line ${f.line}): ${f.expected !== undefined ? `expected \`${mdCell(f.expected)}\`, actual \`${mdCell(f.actual ?? '')}\`` : mdCell(f.reason)}`);
        else if (f) out.push(`  - repeat ${s.k + 1}: ${mdCell(f.reason)}`);
        for (const n of judgeNotes(s)) out.push(`  - ${mdCell(n)}`);
        if (s.tracePath) out.push(`  - trace: [${mdCell(rel(s.tracePath, cwd) ?? s.tracePath)}](${encodeURI(path.relative(dir, s.tracePath) || s.tracePath)})`);
      }
      if (bad.length) {
        out.push('', '  <details><summary>Inputs and output</summary>', '');
        out.push(...`Inputs:\n\n${fence(json(caseInputs(c)))}\n\nOutput (repeat ${bad[0]!.k + 1}):\n\n${fence(json(bad[0]!.output))}`.split('\n').map((l) => (l ? `  ${l}` : l)));
        out.push('', '  </details>', '');
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

function htmlVariants(vs: readonly VariantResult[]): string {
  const e = htmlEscape;
  const rows = vs.map(
    (v) =>
      `<tr><td>${v.paretoBest ? '★ ' : ''}${e(v.name)}</td><td>${v.error ? `<span class="fail">${e(v.error)}</span>` : `${pct(v.passRate)} (${pct(v.ci.low)}–${pct(v.ci.high)})`}</td><td>${e(usd(v.cost.mean))}</td><td>${e(ms(v.latencyMs.mean))}</td><td>${pct(v.humanRate)}</td><td class="${v.passed ? 'pass' : 'fail'}">${v.passed ? 'met' : 'NOT met'}</td></tr>`,
  );
  return `<h3>Variants</h3><table><tr><th>Variant</th><th>Pass rate (95% CI)</th><th>Mean cost</th><th>Mean latency</th><th>Human</th><th>Threshold</th></tr>${rows.join('')}</table><p>★ Pareto-best: no other variant has a higher pass rate, a lower mean cost and a lower mean latency.</p>`;
}

export function toHtml(results: readonly { result: EvalResult; ev: EvalIR }[], cwd: string): string {
  // Trace links are absolute file URLs, so the HTML report works wherever it is opened from.
  const e = htmlEscape;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AgentGraph eval report</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1e2a3a}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
.pass{color:#17803d;font-weight:600}.fail{color:#b42318;font-weight:600}pre{background:#f5f6f8;padding:6px;max-height:20em;overflow:auto;white-space:pre-wrap}details{margin:.4em 0}code{background:#f0f1f4}
</style></head><body><h1>AgentGraph eval report</h1>`);
  parts.push('<table><tr><th>Eval</th><th>Graph</th><th>Verdict</th><th>Pass rate (95% CI)</th><th>Threshold</th><th>Cost total</th><th>Judge cost</th><th>Latency mean / p95</th></tr>');
  for (const { result: r } of results) {
    const v = verdict(r);
    parts.push(
      `<tr><td><a href="#${e(encodeURIComponent(r.name))}">${e(r.name)}</a></td><td>${e(r.graph)}</td><td class="${v === 'PASS' ? 'pass' : 'fail'}">${v}</td><td>${pct(r.passRate)} (${pct(r.ci.low)}–${pct(r.ci.high)})</td><td>≥ ${pct(r.threshold)}</td><td>${e(usd(r.cost.total))}</td><td>${e(usd(r.judgeCost.total))}</td><td>${e(ms(r.latencyMs.mean))} / ${e(ms(r.latencyMs.p95))}</td></tr>`,
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
    parts.push('<table><tr><th>Assertion</th><th>Line</th><th>Pass rate</th></tr>');
    for (const a of r.asserts) parts.push(`<tr><td><code>${e(a.src)}</code></td><td>${a.line}</td><td>${pct(a.rate)} (${a.passed}/${a.total})</td></tr>`);
    parts.push('</table>');
    if (r.variants?.length) parts.push(htmlVariants(r.variants));
    parts.push('<h3>Cases</h3>');
    for (const c of r.cases) {
      const bad = failedSamples(c);
      parts.push(`<details${bad.length ? ' open' : ''}><summary><span class="${c.passed ? 'pass' : 'fail'}">${c.passed ? '✓' : '✗'}</span> ${e(caseName(c))} — ${c.samples.length - bad.length}/${c.samples.length} samples passed <small>(${e(`${rel(c.source.file, cwd)}:${c.source.line}`)})</small></summary>`);
      parts.push(`<p>Inputs</p><pre>${e(json(caseInputs(c)))}</pre>`);
      for (const s of c.samples) {
        const f = firstFailure(s, ev);
        parts.push(`<p>Repeat ${s.k + 1} (seed ${s.seed}): <span class="${s.passed ? 'pass' : 'fail'}">${s.passed ? 'passed' : 'failed'}</span>, ${e(usd(s.cost))}, ${e(ms(s.latencyMs))}${s.tracePath ? `, <a href="${e(fileUrl(s.tracePath))}">trace</a>` : ''}</p>`);
        for (const a of s.asserts) for (const v of (a.judge ?? []).filter((x) => !x.skipped)) parts.push(`<p>Judge ${e(v.model)} on <code>${e(a.src)}</code>: score ${v.score?.toFixed(2) ?? 'none'} (needs ≥ ${v.minScore}) — ${e(v.reasoning)}</p>`);
        if (f) {
          parts.push(
            f.assertion
              ? `<p>Failing assertion <code>${e(f.assertion)}</code> (line ${f.line}): ${f.expected !== undefined ? `expected <code>${e(f.expected)}</code>, actual <code>${e(f.actual ?? '')}</code>` : e(f.reason)}</p>`
              : `<p class="fail">${e(failureLine(s, ev))}</p>`,
          );
          parts.push(`<p>Output</p><pre>${e(json(s.output))}</pre>`);
          parts.push(`<details><summary>Node outputs</summary><pre>${e(json(s.outputs))}</pre></details>`);
        }
      }
      parts.push('</details>');
    }
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}
