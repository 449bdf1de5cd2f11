/// <reference lib="dom" />
// Turns a form model and its state into VS Code element controls. Each control writes straight
// into its FieldState node; adding or removing rows, switching a variant or toggling null/optional
// redraws only that field. Every label, description, enum value and initial value is set as text
// (textContent or element properties), never as HTML, because all of it may come from a model or
// a spec. Each field's container carries its JSON Pointer (data-path) so errors land beside it.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { enumLabel, type FieldModel } from './schema-model.ts';
import { initialState, type FieldState } from './schema-form.ts';
import { childPath, type FieldError } from './validate.ts';

type StateOf<K extends FieldState['kind']> = Extract<FieldState, { kind: K }>;

let idCounter = 0;
const nextId = () => `ag-f${++idCounter}`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(text: string, onClick: () => void, secondary = true): HTMLElement {
  const b = el('vscode-button', 'ag-button', text);
  b.secondary = secondary;
  b.addEventListener('click', onClick);
  return b;
}

/**
 * One field: a container with its label, description, control(s) and an error line. `label` is
 * undefined for the form's root and for variant bodies (their label is shown elsewhere).
 */
export function renderField(model: FieldModel, state: FieldState, path: string, label: string | undefined): HTMLElement {
  const box = el('div', `ag-field ag-field-${model.kind}`);
  box.dataset.path = path;
  const draw = () => {
    box.replaceChildren();
    const id = nextId();
    const withLabel = label !== undefined && model.kind !== 'boolean' && model.kind !== 'object';
    if (withLabel) {
      const l = el('vscode-label', 'ag-label', label);
      l.htmlFor = id;
      box.append(l);
    }
    if (model.description && model.kind !== 'object') box.append(el('vscode-form-helper', 'ag-help', model.description));
    box.append(control(model, state, path, label, id, draw));
    box.append(errorLine());
  };
  draw();
  return box;
}

function errorLine(): HTMLElement {
  const e = el('div', 'ag-field-error');
  e.setAttribute('role', 'alert');
  return e;
}

function control(model: FieldModel, state: FieldState, path: string, label: string | undefined, id: string, redraw: () => void): HTMLElement {
  switch (model.kind) {
    case 'string': {
      const st = state as StateOf<'string'>;
      const c = model.multiline ? el('vscode-textarea', 'ag-control') : el('vscode-textfield', 'ag-control');
      if (c instanceof HTMLElement && 'rows' in c) (c as HTMLElementTagNameMap['vscode-textarea']).rows = 4;
      c.id = id;
      c.value = st.text;
      c.addEventListener('input', () => (st.text = c.value));
      return c;
    }
    case 'number': {
      const st = state as StateOf<'number'>;
      const c = el('vscode-textfield', 'ag-control');
      c.id = id;
      c.setAttribute('inputmode', model.integer ? 'numeric' : 'decimal');
      const range = [model.minimum !== undefined ? `≥ ${model.minimum}` : '', model.maximum !== undefined ? `≤ ${model.maximum}` : ''].filter(Boolean).join(', ');
      c.placeholder = `${model.integer ? 'whole number' : 'number'}${range ? ` (${range})` : ''}`;
      c.value = st.text;
      c.addEventListener('input', () => (st.text = c.value));
      return c;
    }
    case 'boolean': {
      const st = state as StateOf<'boolean'>;
      const c = el('vscode-checkbox', 'ag-control');
      c.id = id;
      c.label = label ?? 'Yes';
      c.checked = st.checked;
      c.addEventListener('change', () => (st.checked = c.checked));
      return c;
    }
    case 'enum': {
      const st = state as StateOf<'enum'>;
      return select(id, model.values.map(enumLabel), st.index, (i) => (st.index = i));
    }
    case 'const':
      return el('code', 'ag-fixed', enumLabel(model.value));
    case 'null':
      return el('code', 'ag-fixed', 'null');
    case 'object':
      return objectControl(model, state as StateOf<'object'>, path, label);
    case 'map':
      return mapControl(model, state as StateOf<'map'>, path, redraw);
    case 'array':
      return arrayControl(model, state as StateOf<'array'>, path, redraw);
    case 'nullable': {
      const st = state as StateOf<'nullable'>;
      const wrap = el('div', 'ag-nullable');
      const toggle = el('vscode-checkbox', 'ag-null-toggle');
      toggle.label = 'No value (null)';
      toggle.checked = st.isNull;
      toggle.addEventListener('change', () => {
        st.isNull = toggle.checked;
        redraw();
      });
      wrap.append(toggle);
      if (!st.isNull) {
        // The label is already above; only a checkbox carries it again (as its own text).
        const inner = control(model.inner, st.inner, path, model.inner.kind === 'boolean' ? label : undefined, id, redraw);
        wrap.append(inner);
      }
      return wrap;
    }
    case 'variant': {
      const st = state as StateOf<'variant'>;
      const wrap = el('div', 'ag-variant');
      const sel = select(id, model.variants.map((v) => v.label), st.index, (i) => {
        st.index = i;
        redraw();
      });
      sel.classList.add('ag-variant-select');
      wrap.append(sel);
      const chosen = model.variants[st.index];
      if (chosen) {
        st.options[st.index] ??= initialState(chosen.model);
        wrap.append(renderField(chosen.model, st.options[st.index]!, path, undefined));
      }
      return wrap;
    }
    case 'json': {
      const st = state as StateOf<'json'>;
      const c = el('vscode-textarea', 'ag-control ag-json');
      c.id = id;
      c.monospace = true;
      c.rows = 5;
      c.placeholder = 'JSON value';
      c.value = st.text;
      c.addEventListener('input', () => (st.text = c.value));
      return c;
    }
  }
}

/** A single select over `labels`; index -1 shows an empty "Choose…" entry first. */
function select(id: string, labels: string[], index: number, onPick: (i: number) => void): HTMLElement {
  const s = el('vscode-single-select', 'ag-control');
  s.id = id;
  if (index < 0) {
    const blank = el('vscode-option', undefined, 'Choose…');
    blank.value = '';
    s.append(blank);
  }
  labels.forEach((text, i) => {
    const o = el('vscode-option', undefined, text);
    o.value = String(i);
    if (i === index) o.selected = true;
    s.append(o);
  });
  s.addEventListener('change', () => onPick(s.value === '' ? -1 : Number(s.value)));
  return s;
}

function objectControl(model: Extract<FieldModel, { kind: 'object' }>, st: StateOf<'object'>, path: string, label: string | undefined): HTMLElement {
  const set = el('fieldset', 'ag-object');
  if (label !== undefined) set.append(el('legend', 'ag-legend', model.title && model.title !== label ? `${label} (${model.title})` : label));
  if (model.description) set.append(el('vscode-form-helper', 'ag-help', model.description));
  if (model.fields.length === 0) set.append(el('span', 'ag-empty', 'No fields.'));
  for (const f of model.fields) {
    const fpath = childPath(path, f.name);
    st.fields[f.name] ??= initialState(f.model);
    if (f.required) {
      set.append(renderField(f.model, st.fields[f.name]!, fpath, f.name));
      continue;
    }
    // An optional field: a checkbox decides whether it is part of the value at all.
    const opt = el('div', 'ag-optional');
    const body = el('div', 'ag-optional-body');
    const toggle = el('vscode-checkbox', 'ag-optional-toggle');
    toggle.label = `${f.name} (optional)`;
    toggle.checked = st.present[f.name] === true;
    const drawBody = () => body.replaceChildren(...(st.present[f.name] ? [renderField(f.model, st.fields[f.name]!, fpath, f.model.kind === 'boolean' ? f.name : undefined)] : []));
    toggle.addEventListener('change', () => {
      st.present[f.name] = toggle.checked;
      drawBody();
    });
    drawBody();
    opt.append(toggle, body);
    set.append(opt);
  }
  return set;
}

function arrayControl(model: Extract<FieldModel, { kind: 'array' }>, st: StateOf<'array'>, path: string, redraw: () => void): HTMLElement {
  const wrap = el('div', 'ag-array');
  st.items.forEach((item, i) => {
    const row = el('div', 'ag-row');
    row.append(renderField(model.items, item, childPath(path, i), `#${i + 1}`));
    row.append(
      button('Remove', () => {
        st.items.splice(i, 1);
        redraw();
      }),
    );
    wrap.append(row);
  });
  if (st.items.length === 0) wrap.append(el('span', 'ag-empty', 'No items.'));
  const add = button('Add item', () => {
    st.items.push(initialState(model.items));
    redraw();
  });
  add.classList.add('ag-add');
  if (model.maxItems !== undefined && st.items.length >= model.maxItems) add.setAttribute('disabled', '');
  wrap.append(add);
  return wrap;
}

function mapControl(model: Extract<FieldModel, { kind: 'map' }>, st: StateOf<'map'>, path: string, redraw: () => void): HTMLElement {
  const wrap = el('div', 'ag-map');
  st.entries.forEach((entry, i) => {
    const row = el('div', 'ag-row ag-map-row');
    const keyBox = el('div', 'ag-field ag-map-key');
    keyBox.dataset.path = `${path}/@key${i}`;
    const key = el('vscode-textfield', 'ag-control');
    key.placeholder = 'key';
    key.value = entry.key;
    key.addEventListener('input', () => (entry.key = key.value));
    keyBox.append(key, errorLine());
    row.append(keyBox, renderField(model.value, entry.value, childPath(path, entry.key), undefined));
    row.append(
      button('Remove', () => {
        st.entries.splice(i, 1);
        redraw();
      }),
    );
    wrap.append(row);
  });
  if (st.entries.length === 0) wrap.append(el('span', 'ag-empty', 'No entries.'));
  const add = button('Add entry', () => {
    st.entries.push({ key: '', value: initialState(model.value) });
    redraw();
  });
  add.classList.add('ag-add');
  wrap.append(add);
  return wrap;
}

/**
 * Shows `errors` beside their fields (a path without a container of its own goes to the nearest
 * enclosing field) and marks the controls invalid; returns the first control with a problem.
 */
export function showErrors(root: HTMLElement, errors: FieldError[]): HTMLElement | undefined {
  for (const line of root.querySelectorAll<HTMLElement>('.ag-field-error')) line.textContent = '';
  for (const c of root.querySelectorAll<HTMLElement>('[invalid]')) c.removeAttribute('invalid');
  let first: HTMLElement | undefined;
  for (const e of errors) {
    let p = e.path;
    let box: HTMLElement | null;
    for (;;) {
      box = root.querySelector<HTMLElement>(`.ag-field[data-path="${CSS.escape(p)}"]`);
      if (box || p === '') break;
      p = p.slice(0, p.lastIndexOf('/'));
    }
    if (!box) continue;
    const line = box.querySelector<HTMLElement>(':scope > .ag-field-error');
    if (!line) continue;
    const prefix = p === e.path ? '' : `${e.path.slice(p.length + 1).replace(/~1/g, '/').replace(/~0/g, '~')}: `;
    line.textContent = line.textContent ? `${line.textContent} ${prefix}${e.message}` : `${prefix}${e.message}`;
    const c = box.querySelector<HTMLElement>(':scope > .ag-control, :scope > .ag-nullable > .ag-control, :scope > .ag-variant > .ag-control');
    c?.setAttribute('invalid', '');
    first ??= c ?? box;
  }
  return first;
}
