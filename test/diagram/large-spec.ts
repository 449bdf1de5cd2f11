// Generates one graph of about N nodes for the diagram tests and benchmark: a chain of segments,
// each a router agent (with a tool) that routes three ways to specialists that are supervised
// together and meet again in a checker; every third checker loops back (`max 2`), every fifth
// segment adds a static fan-out with a join, and pairs of segment supervisors are supervised in
// turn (nested boxes). Deterministic: the same size gives the same text.

export function largeSpec(nodes: number): string {
  const out: string[] = [
    'type Item { id: string, text: string }',
    'type Route { category: "a" | "b" | "c", confidence: number }',
    'type Check { ok: boolean, item: Item }',
    'model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 200 }',
    'tool lookup(query: string) -> Item {',
    '  description: "Look an item up"',
    '  effect: read',
    '  timeout: 5s',
    '}',
    'human reviewer(item: Item) -> Item { timeout: 4h }',
  ];
  const agent = (name: string, params: string, result: string, extra = '') =>
    out.push(`agent ${name}(${params}) -> ${result} { model: fast, prompt: "Work on {{item.text}}"${extra} }`);
  const edges: string[] = ['  start -> s0_route(item)'];
  const sups: string[] = [];
  let count = 1; // the human
  let k = 0;
  for (; count < nodes; k++) {
    const p = `s${k}`;
    agent(`${p}_route`, 'item: Item', 'Route', ', tools: [lookup], retry: 1');
    for (const s of ['a', 'b', 'c']) agent(`${p}_${s}`, 'item: Item, route: Route', 'Item');
    agent(`${p}_check`, 'item: Item', 'Check', k % 4 === 0 ? ', cache: 1h' : '');
    count += 5;
    edges.push(
      `  ${p}_route -> ${p}_a(item, route: ${p}_route) when ${p}_route.category == "a"`,
      `  ${p}_route -> ${p}_b(item, route: ${p}_route) when ${p}_route.category == "b"`,
      `  ${p}_route -> ${p}_c(item, route: ${p}_route) otherwise`,
      `  ${p}_a -> ${p}_check(item: ${p}_a)`,
      `  ${p}_b -> ${p}_check(item: ${p}_b)`,
      `  ${p}_c -> ${p}_check(item: ${p}_c)`,
    );
    sups.push(`  supervise ${p}_workers [${p}_a, ${p}_b, ${p}_c] one_for_one(max_restarts: 1, within: 1m)`);
    if (k % 2 === 1) sups.push(`  supervise g${k >> 1} [s${k - 1}_workers, ${p}_workers] one_for_all(max_restarts: 1, within: 5m) escalate reviewer`);
    const next = count < nodes ? `s${k + 1}_route(item: ${p}_check.item)` : 'reviewer(item: ' + p + '_check.item)';
    let from = `${p}_check`;
    if (k % 5 === 4 && count + 2 < nodes) {
      agent(`${p}_left`, 'item: Item', 'Item');
      agent(`${p}_right`, 'item: Item', 'Item');
      count += 2;
      edges.push(`  ${p}_check -> [${p}_left(item: ${p}_check.item), ${p}_right(item: ${p}_check.item)]`);
      edges.push(`  [${p}_left, ${p}_right] -> ${next.replace(`${p}_check.item`, `${p}_left`)}`);
      from = '';
    }
    if (from) {
      if (k % 3 === 2) {
        edges.push(`  ${from} -> ${p}_route(item: ${p}_check.item) when !${p}_check.ok max 2`);
        edges.push(`  ${from} -> ${next} otherwise`);
      } else edges.push(`  ${from} -> ${next}`);
    }
  }
  edges.push('  reviewer -> end(reviewer)');
  out.push('graph Large(item: Item) -> Item {', ...edges, ...sups, '}');
  return `${out.join('\n')}\n`;
}
