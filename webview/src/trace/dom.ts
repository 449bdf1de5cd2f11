/// <reference lib="dom" />
// A tiny element builder for the trace views. Text goes in through textContent only: nothing a
// trace carries (model output, tool results, prompts) is ever parsed as HTML.

export interface ElOptions {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
  on?: Partial<Record<'click' | 'keydown' | 'input', (e: Event) => void>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, o: ElOptions = {}, children: (Node | undefined | false)[] = []): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (o.class) e.className = o.class;
  if (o.text !== undefined) e.textContent = o.text;
  if (o.title !== undefined) e.title = o.title;
  if (o.attrs) for (const [k, v] of Object.entries(o.attrs)) e.setAttribute(k, v);
  if (o.on) for (const [k, f] of Object.entries(o.on)) if (f) e.addEventListener(k, f);
  for (const c of children) if (c) e.appendChild(c);
  return e;
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}
