// The Mermaid generator (server/src/diagram/mermaid.ts) on the six example architectures and on
// hostile input: every IR node is drawn exactly once, labels are escaped, loops are dotted,
// supervisors are (nested) subgraphs, collapsing hides children but keeps every edge valid, and
// the output matches the snapshots under test/snapshots/diagram (refresh them with
// UPDATE_SNAPSHOTS=1 npm run test:unit -- test/diagram after checking the change is intended).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { IR } from '../../server/src/ir/schema.ts';
import { diagramMarkdown, escapeLabel, generateDiagram, nodeId, wrapText } from '../../server/src/diagram/mermaid.ts';
import { applyPalette, classDefLines, DIAGRAM_CLASSES, PALETTES } from '../../server/src/diagram/palette.ts';
import { EXAMPLES, exampleIR, irOfText, ROOT } from './examples.ts';
import { largeSpec } from './large-spec.ts';
import { labelText, parseFlowchart, type ParsedFlowchart } from './mermaid-text.ts';

const SNAPSHOTS = path.join(ROOT, 'test/snapshots/diagram');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

/** Every edge endpoint is a defined node or subgraph (Mermaid would silently invent a node otherwise). */
function assertEdgesValid(p: ParsedFlowchart): void {
  for (const e of p.edges) {
    for (const end of [e.from, e.to]) assert.ok(p.definitions.has(end) || p.subgraphs.has(end), `edge endpoint ${end} is not defined: ${e.line}`);
  }
}

/** No label contains a character Mermaid or HTML would read as syntax. */
function assertLabelsEscaped(p: ParsedFlowchart): void {
  for (const l of p.labels) {
    const bare = l.replace(/<\/?b>|<br\/>/g, '');
    assert.doesNotMatch(bare, /["<>|[\]{}`]/, `unescaped character in label: ${l}`);
    assert.doesNotMatch(bare, /\$\$/, `$$ would start KaTeX: ${l}`);
  }
}

describe('examples', () => {
  for (const name of EXAMPLES) {
    describe(name, () => {
      const ir = exampleIR(name);
      const d = generateDiagram(ir)!;
      const g = ir.graphs[0]!;
      const p = parseFlowchart(d.mermaid);

      test('every node of the graph is defined exactly once; start and end too', () => {
        for (const n of g.nodes) assert.equal(p.definitions.get(nodeId(n.name)), 1, `${n.name} defined ${p.definitions.get(nodeId(n.name)) ?? 0} times`);
        for (const [id, count] of p.definitions) assert.equal(count, 1, `${id} defined ${count} times`);
        assert.equal(p.definitions.get('start'), 1);
        assert.equal(p.definitions.get('stop'), 1);
      });

      test('edges connect defined nodes and every IR edge is drawn', () => {
        assertEdgesValid(p);
        const drawn = new Set(d.edges.map((e) => e.edgeId));
        for (const e of g.edges) assert.ok(drawn.has(e.id), `edge ${e.id} (${e.from.join(',')} -> ${e.to.map((t) => t.node).join(',')}) not drawn`);
        for (const e of d.edges) assert.ok(e.index < p.edges.length, 'edge index within the written edges');
      });

      test('labels are escaped', () => assertLabelsEscaped(p));

      test('node infos: unique ids, ranges in the spec, hover text', () => {
        const ids = d.nodes.map((n) => n.id);
        assert.equal(new Set(ids).size, ids.length, 'unique ids');
        for (const n of d.nodes) {
          assert.ok(p.definitions.has(n.id) || p.subgraphs.has(n.id), `${n.id} is drawn`);
          assert.ok(n.hover.length > 0, `${n.id} has a hover`);
          if (n.kind !== 'join') assert.ok(n.range && existsSync(n.range.file), `${n.id} has a range in an existing file`);
        }
        for (const n of g.nodes) assert.ok(d.nodes.some((x) => x.id === nodeId(n.name) && x.name === n.name && x.kind === n.kind), `${n.name} has an info`);
      });

      test('agents show their model and worst case; tools, humans and graphs their own shapes', () => {
        for (const n of g.nodes) {
          const line = d.mermaid.split('\n').find((l) => l.trim().startsWith(`${nodeId(n.name)}`))!;
          if (n.kind === 'agent') {
            const a = ir.agents.find((x) => x.name === n.name)!;
            assert.match(line, new RegExp(`^\\s*${nodeId(n.name)}\\("`), 'agents are rounded boxes');
            assert.ok(line.includes(a.model), `${n.name} shows its model`);
            assert.match(line, /≤ \$[\d.]+ · [\d.]+(ms|s|m|h|d)/, 'worst case');
            if (a.retry.max > 0) assert.ok(line.includes(`↻${a.retry.max}`), 'retries badge');
            if (a.fallback.length) assert.ok(line.includes('⤵'), 'fallback badge');
            if (a.cacheTtlMs !== undefined) assert.ok(line.includes('⏱'), 'cache badge');
          }
          if (n.kind === 'human') assert.match(line, /\[\/".*"\/\]:::human$/, 'humans are parallelograms');
          if (n.kind === 'tool') assert.match(line, /\{\{".*"\}\}:::(tool|irreversible)$/, 'tools are hexagons');
          if (n.kind === 'graph') assert.match(line, /\[\[".*"\]\]:::subgraphNode$/, 'graphs are subroutines');
        }
        assert.match(d.mermaid, /^ {2}start\(\["start"\]\):::terminal$/m);
        assert.match(d.mermaid, /^ {2}stop\(\["end"\]\):::terminal$/m);
        assert.ok(p.subgraphs.has('legend'), 'legend');
        assert.ok(p.definitions.has('budget'), 'worst case / budget summary');
      });

      test('loops are dotted; bounded edges show max N; fan-outs are thick', () => {
        for (const e of g.edges) {
          const mine = d.edges.filter((x) => x.edgeId === e.id && !x.to.startsWith('j')).map((x) => p.edges[x.index]!);
          for (const drawn of mine) {
            if (e.max !== undefined) {
              assert.equal(drawn.arrow, '-.->', `bounded edge ${e.id} is dotted: ${drawn.line}`);
              assert.ok(drawn.label?.includes(`max ${e.max}`), `shows max ${e.max}`);
            }
            if (e.whenSrc) assert.ok(drawn.label !== undefined && labelText(drawn.label).length > 0, 'conditions are labelled');
            if (e.otherwise) assert.ok(drawn.label?.includes('otherwise'));
          }
          for (const t of e.to) {
            if (!t.forEach || e.max !== undefined) continue;
            const drawn = d.edges.find((x) => x.edgeId === e.id && x.to === (t.node === 'end' ? 'stop' : nodeId(t.node)))!;
            assert.equal(p.edges[drawn.index]!.arrow, '==>', 'dynamic fan-out is thick');
            assert.ok(p.edges[drawn.index]!.label?.includes(`≤ ${t.forEach.max}`));
          }
        }
      });

      test('matches the snapshot', () => {
        const file = path.join(SNAPSHOTS, `${name}.mmd`);
        const text = `${d.mermaid}\n`;
        if (UPDATE || !existsSync(file)) {
          mkdirSync(SNAPSHOTS, { recursive: true });
          writeFileSync(file, text);
          return;
        }
        assert.equal(text, readFileSync(file, 'utf8'), `${name} draws differently from ${path.relative(ROOT, file)}; if intended, run UPDATE_SNAPSHOTS=1 npm run test:unit -- test/diagram`);
      });
    });
  }

  test('examples with loops draw them dotted', () => {
    const dotted = (name: string) => parseFlowchart(generateDiagram(exampleIR(name))!.mermaid).edges.filter((e) => e.arrow === '-.->' && e.label?.includes('max'));
    assert.ok(dotted('support').some((e) => e.from === 'n_review' && e.to === 'n_billing'));
    assert.ok(dotted('writer-critic').some((e) => e.from === 'n_critique' && e.to === 'n_revise'));
    assert.ok(dotted('plan-execute').some((e) => e.from === 'n_assess' && e.to === 'n_planner'));
    assert.ok(dotted('rag').some((e) => e.from === 'n_verify' && e.to === 'n_reanswer'));
  });
});

describe('supervisors', () => {
  const ir = exampleIR('supervisor-tree');

  test('are labelled subgraphs, nested as declared, and escalate with a dotted edge', () => {
    const d = generateDiagram(ir)!;
    const p = parseFlowchart(d.mermaid);
    assert.deepEqual(p.subgraphs.get('s_root'), []);
    assert.deepEqual(p.subgraphs.get('s_extraction'), ['s_root']);
    assert.deepEqual(p.subgraphs.get('s_checks'), ['s_root']);
    assert.deepEqual(p.parents.get('n_extract'), ['s_root', 's_extraction']);
    assert.deepEqual(p.parents.get('n_screen'), ['s_root', 's_checks']);
    assert.deepEqual(p.parents.get('n_pay'), ['s_root']);
    assert.deepEqual(p.parents.get('n_build_payment_run'), [], 'a node outside every supervisor is outside every box');
    assert.match(d.mermaid, /subgraph s_root\["<b>supervisor root<\/b> · rest_for_one · ≤1 restart \/ 30m"\]/);
    const esc = p.edges.find((e) => e.from === 's_root' && e.label === 'escalate');
    assert.ok(esc && esc.arrow === '-.->' && esc.to === 'n_finance_oncall', 'escalation edge');
    assert.equal(p.definitions.get('n_finance_oncall'), 1, 'escalation target drawn although it is not a node of the graph');
    assert.ok(d.nodes.some((n) => n.id === 's_root' && n.kind === 'supervisor' && n.range), 'supervisor info');
    // Tools hang outside the boxes.
    for (const [id, parents] of p.parents) if (id.startsWith('t_')) assert.deepEqual(parents, [], `${id} outside boxes`);
  });

  test('collapsed: one box per outermost supervisor, children hidden, edges valid', () => {
    const d = generateDiagram(ir, { collapseSupervisors: true })!;
    const p = parseFlowchart(d.mermaid);
    assertEdgesValid(p);
    assertLabelsEscaped(p);
    assert.equal(p.definitions.get('s_root'), 1, 'root drawn as a node');
    assert.equal(p.subgraphs.size, 1, 'only the legend is a subgraph');
    for (const hidden of ['extract', 'reconcile', 'screen', 'pay', 'summarize']) {
      assert.ok(!p.definitions.has(nodeId(hidden)), `${hidden} hidden`);
      assert.ok(!d.nodes.some((n) => n.id === nodeId(hidden)), `${hidden} has no info`);
    }
    for (const kept of ['build_payment_run', 'ap_clerk']) assert.equal(p.definitions.get(nodeId(kept)), 1, `${kept} kept`);
    for (const e of p.edges) assert.ok(!(e.from === e.to), `no self loop: ${e.line}`);
    assert.ok(!p.definitions.has('t_find_vendor'), 'tools of hidden agents are hidden');
    assert.ok(p.edges.some((e) => e.from === 'start' && e.to === 's_root' && e.arrow === '==>'), 'edges into the box are redirected to it');
    assert.ok(p.edges.some((e) => e.from === 's_root' && e.to === 'stop'));
    assert.ok(p.edges.some((e) => e.from === 's_root' && e.to === 'n_finance_oncall' && e.label === 'escalate'));
    const lines = p.edges.map((e) => e.line);
    assert.equal(new Set(lines).size, lines.length, 'no duplicate edges');
    assert.match(d.mermaid, /s_root\[".*5 nodes inside · click to expand"\]:::supervisor/);
    assert.match(d.nodes.find((n) => n.id === 's_root')!.hover, /click to expand/);
  });

  test('expanding the outer supervisor shows the inner ones collapsed', () => {
    const d = generateDiagram(ir, { collapseSupervisors: true, expanded: ['root'] })!;
    const p = parseFlowchart(d.mermaid);
    assertEdgesValid(p);
    assert.ok(p.subgraphs.has('s_root'));
    assert.equal(p.definitions.get('s_extraction'), 1);
    assert.equal(p.definitions.get('s_checks'), 1);
    assert.deepEqual(p.parents.get('s_checks'), ['s_root']);
    assert.equal(p.definitions.get('n_pay'), 1);
    assert.ok(!p.definitions.has('n_extract'));
    // The join of reconcile and screen collapses into the checks box: no join node needed.
    assert.ok(p.edges.some((e) => e.from === 's_checks' && e.to === 'n_build_payment_run'));
    for (const e of p.edges) assert.notEqual(e.from, e.to, e.line);
  });

  test('support, collapsed: the specialists box stands in for billing and technical', () => {
    const d = generateDiagram(exampleIR('support'), { collapseSupervisors: true })!;
    const p = parseFlowchart(d.mermaid);
    assertEdgesValid(p);
    assert.ok(!p.definitions.has('n_billing') && !p.definitions.has('n_technical'));
    assert.ok(p.edges.some((e) => e.from === 'n_review' && e.to === 's_specialists' && e.arrow === '-.->'), 'loop into the box stays dotted');
    for (const e of p.edges) assert.notEqual(e.from, e.to);
  });
});

describe('escaping', () => {
  const HOSTILE = 'say \\"hi\\" | [x] {y} <script>alert(1)</script> #quot; $$x$$ `code` <img src=x onerror=alert(1)>';
  const spec = `type Note { note: string }
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
agent classify(text: string) -> Note { model: fast, prompt: "Classify {{text}}" }
agent answer(text: string) -> Note { model: fast, prompt: "Answer {{text}}" }
human lead(text: string) -> Note { timeout: 1h }
graph Hostile(text: string) -> Note {
  start -> classify(text)
  classify -> answer(text) when classify.note == "${HOSTILE}"
  classify -> lead(text) otherwise
  answer -> end(answer)
  lead -> end(lead)
}
`;

  test('conditions with quotes, pipes, brackets, braces, backticks, # entities, $$ and HTML come out escaped', () => {
    const d = generateDiagram(irOfText(spec))!;
    const p = parseFlowchart(d.mermaid);
    assertLabelsEscaped(p);
    assertEdgesValid(p);
    const edge = p.edges.find((e) => e.from === 'n_classify' && e.to === 'n_answer')!;
    const label = labelText(edge.label!);
    for (const part of ['#92;#quot;hi#92;#quot;', '#124;', '#91;x#93;', '#123;y#125;', '#lt;script#gt;', '#lt;img src=x onerror=alert(1)#gt;', '#35;quot;', '#36;$x#36;$', '#96;code#96;']) {
      assert.ok(label.includes(part), `${part} in ${label}`);
    }
    assert.ok(!label.includes('<script'), 'no raw tag');
  });

  test('hostile names in the IR (which the parser never produces) are escaped and give safe ids', () => {
    const ir: IR = structuredClone(irOfText(spec));
    const bad = 'x"] --> evil["<img src=x onerror=alert(1)>|';
    const rename = (from: string) => {
      for (const a of ir.agents) if (a.name === from) a.name = bad;
      for (const g of ir.graphs) {
        for (const n of g.nodes) if (n.name === from) n.name = bad;
        for (const e of g.edges) {
          e.from = e.from.map((f) => (f === from ? bad : f));
          for (const t of e.to) if (t.node === from) t.node = bad;
        }
      }
    };
    rename('answer');
    const d = generateDiagram(ir)!;
    const p = parseFlowchart(d.mermaid);
    assertLabelsEscaped(p);
    assertEdgesValid(p);
    const id = nodeId(bad);
    assert.match(id, /^n_\w+$/);
    assert.equal(p.definitions.get(id), 1);
    assert.ok(!p.definitions.has('evil'), 'no injected node');
  });

  test('escapeLabel and wrapText', () => {
    assert.equal(escapeLabel('a "b" <c> & d|e [f] {g}'), 'a #quot;b#quot; #lt;c#gt; #amp; d#124;e #91;f#93; #123;g#125;');
    assert.equal(escapeLabel('#quot;'), '#35;quot;');
    assert.equal(escapeLabel('$$x$$ and $1.50'), '#36;$x#36;$ and $1.50');
    assert.equal(escapeLabel('line\nbreak'), 'line break');
    assert.deepEqual(wrapText('triage.category == "billing" && triage.confidence >= 0.7'), ['triage.category ==', '"billing" &&', 'triage.confidence >= 0.7']);
    assert.deepEqual(wrapText('short'), ['short']);
  });
});

describe('options and helpers', () => {
  const ir = exampleIR('support');

  test('direction, legend off, unknown graph', () => {
    const d = generateDiagram(ir, { direction: 'LR', legend: false })!;
    assert.ok(d.mermaid.startsWith('flowchart LR\n'));
    assert.ok(!parseFlowchart(d.mermaid).subgraphs.has('legend'));
    assert.equal(generateDiagram(ir, { graph: 'Nope' }), undefined);
    assert.equal(generateDiagram({ ...ir, graphs: [] }), undefined);
  });

  test('the summary shows the worst case against the budget', () => {
    const d = generateDiagram(ir)!;
    const line = d.mermaid.split('\n').find((l) => l.trim().startsWith('budget>'))!;
    assert.match(line, /Support · worst case \$0\.\d+ · [\d.]+m · \d+ steps<br\/>budget \$1\.50 · 20m · 30 steps/);
  });

  test('markdown document', () => {
    const d = generateDiagram(ir)!;
    const md = diagramMarkdown(d, undefined, 'support.agentgraph');
    assert.ok(md.startsWith('# Support\n\nGenerated by AgentGraph from `support.agentgraph`.\n\n```mermaid\nflowchart TD\n'));
    assert.ok(md.endsWith('\n```\n'));
  });

  test('palettes: every class has a style in every theme; applyPalette swaps only known classDefs', () => {
    for (const theme of Object.keys(PALETTES) as (keyof typeof PALETTES)[]) for (const c of DIAGRAM_CLASSES) assert.match(PALETTES[theme][c], /^fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}/);
    const d = generateDiagram(ir)!;
    const p = parseFlowchart(d.mermaid);
    for (const c of DIAGRAM_CLASSES) assert.equal(p.classDefs.get(c), PALETTES.light[c]);
    const dark = parseFlowchart(applyPalette(`${d.mermaid}\n  classDef custom fill:#123456`, 'dark'));
    for (const c of DIAGRAM_CLASSES) assert.equal(dark.classDefs.get(c), PALETTES.dark[c]);
    assert.equal(dark.classDefs.get('custom'), 'fill:#123456');
    assert.equal(applyPalette(d.mermaid, 'light'), d.mermaid);
    assert.equal(classDefLines('dark').length, DIAGRAM_CLASSES.length);
  });

  test('a generated graph of 200 nodes: every node once, collapsed edges valid', () => {
    const big = irOfText(largeSpec(200));
    const g = big.graphs[0]!;
    assert.ok(g.nodes.length >= 200);
    const p = parseFlowchart(generateDiagram(big)!.mermaid);
    for (const n of g.nodes) assert.equal(p.definitions.get(nodeId(n.name)), 1);
    assertEdgesValid(p);
    const c = generateDiagram(big, { collapseSupervisors: true })!;
    const pc = parseFlowchart(c.mermaid);
    assertEdgesValid(pc);
    assert.ok(c.nodes.length < generateDiagram(big)!.nodes.length / 1.5, 'collapsing draws far fewer nodes');
    for (const e of pc.edges) assert.notEqual(e.from, e.to);
  });
});
