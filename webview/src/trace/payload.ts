/// <reference lib="dom" />
// A payload block: a prompt, a message, tool arguments or results, an output. Shown as text in a
// <pre> (JSON pretty-printed), cut at a limit with a "Show all (12.3 kB)" control, with a copy
// button that asks the host to put the full text on the clipboard.

import { el } from './dom.ts';
import { byteLength, formatBytes, prettyJson } from './format.ts';

/** Characters shown before a payload is cut. */
export const PAYLOAD_LIMIT = 2000;

export function payloadBlock(label: string, raw: string, copy: (text: string) => void, limit = PAYLOAD_LIMIT): HTMLElement {
  const { text, json } = prettyJson(raw);
  const pre = el('pre', { class: `tv-payload${json ? ' tv-json' : ''}` });
  const truncated = text.length > limit;
  pre.textContent = truncated ? `${text.slice(0, limit)}…` : text;
  const actions = el('div', { class: 'tv-payload-actions' }, [
    el('button', { class: 'tv-copy', text: 'Copy', title: `Copy ${label.toLowerCase()}`, on: { click: () => copy(text) } }),
  ]);
  if (truncated) {
    const expand = el('button', {
      class: 'tv-expand',
      text: `Show all (${formatBytes(byteLength(text))})`,
      on: {
        click: () => {
          pre.textContent = text;
          expand.remove();
        },
      },
    });
    actions.appendChild(expand);
  }
  return el('section', { class: 'tv-block', attrs: { 'data-label': label } }, [el('div', { class: 'tv-block-head' }, [el('h3', { text: label }), actions]), pre]);
}
