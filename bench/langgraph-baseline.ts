// The LangGraph.js side of the runtime benchmark: the same four shapes as StateGraphs whose nodes
// return at once (the "instant model"), so what is measured is LangGraph's own per-run overhead.
// No checkpointer, default settings: the cheapest way LangGraph runs a graph.

import { Annotation, END, START, StateGraph } from '@langchain/langgraph';

export type ShapeName = 'chain3' | 'chain10' | 'fanout5' | 'router3';
export const SHAPES: readonly ShapeName[] = ['chain3', 'chain10', 'fanout5', 'router3'];

const State = Annotation.Root({
  text: Annotation<string>,
  kind: Annotation<string>,
  // Parallel branches write here at once: it needs a reducer.
  results: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
type S = typeof State.State;

function chain(n: number) {
  // Node names must differ from state keys, hence the `n` prefix.
  const g = new StateGraph(State) as unknown as StateGraph<typeof State.spec, S, Partial<S>, string>;
  for (let i = 1; i <= n; i++) g.addNode(`n${i}`, (s: S) => ({ text: `${s.text}.` }));
  g.addEdge(START, 'n1');
  for (let i = 1; i < n; i++) g.addEdge(`n${i}`, `n${i + 1}`);
  g.addEdge(`n${n}`, END);
  return g.compile();
}

function fanout(width: number) {
  const g = new StateGraph(State) as unknown as StateGraph<typeof State.spec, S, Partial<S>, string>;
  const workers = Array.from({ length: width }, (_, i) => `w${i + 1}`);
  g.addNode('split', (s: S) => ({ text: s.text }));
  for (const w of workers) g.addNode(w, (s: S) => ({ results: [`${w}:${s.text}`] }));
  g.addNode('join', (s: S) => ({ text: s.results.join('|') }));
  g.addEdge(START, 'split');
  for (const w of workers) g.addEdge('split', w);
  g.addEdge(workers, 'join');
  g.addEdge('join', END);
  return g.compile();
}

function router() {
  const g = new StateGraph(State) as unknown as StateGraph<typeof State.spec, S, Partial<S>, string>;
  g.addNode('route', (s: S) => ({ kind: ['a', 'b', 'c'][Number(s.text.slice(7)) % 3] ?? 'c' }));
  for (const b of ['b1', 'b2', 'b3']) g.addNode(b, (s: S) => ({ text: `${b}:${s.text}` }));
  g.addEdge(START, 'route');
  g.addConditionalEdges('route', (s: S) => (s.kind === 'a' ? 'b1' : s.kind === 'b' ? 'b2' : 'b3'), ['b1', 'b2', 'b3']);
  for (const b of ['b1', 'b2', 'b3']) g.addEdge(b, END);
  return g.compile();
}

/** One runner per shape: `run(i)` executes one run with input derived from `i`. */
export function langgraphRunners(): Record<ShapeName, (i: number) => Promise<unknown>> {
  const graphs = { chain3: chain(3), chain10: chain(10), fanout5: fanout(5), router3: router() };
  const runner = (name: ShapeName) => {
    const graph = graphs[name];
    return (i: number) => graph.invoke({ text: `ticket ${i}` });
  };
  return { chain3: runner('chain3'), chain10: runner('chain10'), fanout5: runner('fanout5'), router3: runner('router3') };
}
