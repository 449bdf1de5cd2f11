// A small reader of the Mermaid flowcharts the generator writes (one statement per line), so the
// tests can check structure instead of matching text: node definitions, subgraph nesting, edges
// and the labels inside quotes.

export interface ParsedFlowchart {
  /** Node id → how many times it is defined (a shape after the id). */
  definitions: Map<string, number>;
  /** Node id → the subgraphs around its definition, outermost first. */
  parents: Map<string, string[]>;
  /** Subgraph ids → the subgraphs around them. */
  subgraphs: Map<string, string[]>;
  edges: { from: string; arrow: string; label?: string; to: string; line: string }[];
  /** Every quoted label text, as written (escaped). */
  labels: string[];
  classDefs: Map<string, string>;
}

const NODE_DEF = /^(\w+)(\(\[|\[\[|\[\/|\(\(|\{\{|\(|\[|>)"(.*)"(\]\)|\]\]|\/\]|\)\)|\}\}|\)|\])(:::\w+)?$/;
const EDGE = /^(\w+) (-->|-\.->|==>|-\.-|~~~)(?:\|"(.*)"\|)? (\w+)$/;
const SUBGRAPH = /^subgraph (\w+)\["(.*)"\]$/;

export function parseFlowchart(text: string): ParsedFlowchart {
  const lines = text.split('\n');
  if (!/^flowchart (TD|LR)$/.test(lines[0] ?? '')) throw new Error(`not a flowchart: ${lines[0]}`);
  const out: ParsedFlowchart = { definitions: new Map(), parents: new Map(), subgraphs: new Map(), edges: [], labels: [], classDefs: new Map() };
  const stack: string[] = [];
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (!line) continue;
    let m: RegExpExecArray | null;
    if ((m = SUBGRAPH.exec(line))) {
      out.subgraphs.set(m[1]!, [...stack]);
      out.labels.push(m[2]!);
      stack.push(m[1]!);
    } else if (line === 'end') {
      if (!stack.pop()) throw new Error('end without subgraph');
    } else if (/^direction (TB|TD|LR|RL|BT)$/.test(line)) {
      // layout hint
    } else if ((m = /^classDef (\w+) (.+)$/.exec(line))) {
      out.classDefs.set(m[1]!, m[2]!);
    } else if (/^class [\w,]+ \w+$/.test(line)) {
      // class assignment
    } else if ((m = EDGE.exec(line))) {
      out.edges.push({ from: m[1]!, arrow: m[2]!, label: m[3], to: m[4]!, line });
      if (m[3] !== undefined) out.labels.push(m[3]);
    } else if ((m = NODE_DEF.exec(line))) {
      out.definitions.set(m[1]!, (out.definitions.get(m[1]!) ?? 0) + 1);
      out.parents.set(m[1]!, [...stack]);
      out.labels.push(m[3]!);
    } else throw new Error(`unexpected line: ${line}`);
  }
  if (stack.length) throw new Error(`unclosed subgraph ${stack.join(', ')}`);
  return out;
}

/** Label text with the markup the generator itself adds (<b>, <br/>) taken out. */
export function labelText(label: string): string {
  return label.replace(/<\/?b>/g, '').replace(/<br\/>/g, ' ');
}
