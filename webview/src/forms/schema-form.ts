// The editable state of a schema form and the value it stands for. The webview keeps one
// FieldState tree beside the controls (each control writes into its node); this module fills it
// from an initial value, reads the value back with per-field errors (text that is not a number,
// a missing choice, invalid JSON, out-of-range numbers, schema mismatches) and answers
// approvals. Pure, so the round trip value → state → value is unit-tested without a browser.

import { approvalShape, type FieldModel } from './schema-model.ts';
import { childPath, deepEqual, rangeErrors, validateValue, type FieldError } from './validate.ts';

export type FieldState =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; checked: boolean }
  | { kind: 'enum'; index: number }
  | { kind: 'fixed' }
  | { kind: 'object'; fields: Record<string, FieldState>; present: Record<string, boolean> }
  | { kind: 'map'; entries: { key: string; value: FieldState }[] }
  | { kind: 'array'; items: FieldState[] }
  | { kind: 'nullable'; isNull: boolean; inner: FieldState }
  | { kind: 'variant'; index: number; options: FieldState[] }
  | { kind: 'json'; text: string };

export type FormRead = { ok: true; value: unknown } | { ok: false; value: unknown; errors: FieldError[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The state showing `value` (or the schema's default, or empty controls when both are absent). */
export function initialState(model: FieldModel, value?: unknown): FieldState {
  const v = value === undefined ? model.default : value;
  switch (model.kind) {
    case 'string':
      return { kind: 'string', text: typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v) };
    case 'number':
      return { kind: 'number', text: typeof v === 'number' && Number.isFinite(v) ? String(v) : '' };
    case 'boolean':
      return { kind: 'boolean', checked: v === true };
    case 'enum': {
      const i = model.values.findIndex((x) => deepEqual(x, v));
      return { kind: 'enum', index: i >= 0 ? i : model.values.length === 1 ? 0 : -1 };
    }
    case 'const':
    case 'null':
      return { kind: 'fixed' };
    case 'object': {
      const obj = isRecord(v) ? v : {};
      const fields: Record<string, FieldState> = {};
      const present: Record<string, boolean> = {};
      for (const f of model.fields) {
        fields[f.name] = initialState(f.model, obj[f.name]);
        present[f.name] = f.required || f.name in obj;
      }
      return { kind: 'object', fields, present };
    }
    case 'map':
      return { kind: 'map', entries: Object.entries(isRecord(v) ? v : {}).map(([key, x]) => ({ key, value: initialState(model.value, x) })) };
    case 'array': {
      const items = Array.isArray(v) ? v.map((x) => initialState(model.items, x)) : [];
      while (items.length < (model.minItems ?? 0)) items.push(initialState(model.items));
      return { kind: 'array', items };
    }
    case 'nullable':
      return { kind: 'nullable', isNull: v === undefined || v === null, inner: initialState(model.inner, v ?? undefined) };
    case 'variant': {
      let index = v === undefined ? 0 : model.variants.findIndex((x) => validateValue(x.model.schema, v).length === 0);
      if (index < 0) index = Math.max(0, model.variants.findIndex((x) => variantTypeFits(x.model, v)));
      return { kind: 'variant', index, options: model.variants.map((x, i) => initialState(x.model, i === index ? v : undefined)) };
    }
    case 'json':
      return { kind: 'json', text: v === undefined ? '' : JSON.stringify(v, null, 2) };
  }
}

/** True when a variant takes values of `v`'s JSON type (to keep a half-valid initial value in the right variant). */
function variantTypeFits(m: FieldModel, v: unknown): boolean {
  if (m.kind === 'object' || m.kind === 'map') return isRecord(v);
  if (m.kind === 'array') return Array.isArray(v);
  if (m.kind === 'string') return typeof v === 'string';
  if (m.kind === 'number') return typeof v === 'number';
  if (m.kind === 'boolean') return typeof v === 'boolean';
  return false;
}

/** Reads the value of the form with every problem found, each at its field's JSON Pointer. */
export function readForm(model: FieldModel, state: FieldState): FormRead {
  const errors: FieldError[] = [];
  const value = read(model, state, '', errors);
  return errors.length === 0 ? { ok: true, value } : { ok: false, value, errors };
}

function read(model: FieldModel, state: FieldState, path: string, errors: FieldError[]): unknown {
  const fail = (message: string, at = path) => {
    errors.push({ path: at, message });
    return undefined;
  };
  if (model.kind !== 'const' && model.kind !== 'null' && state.kind !== model.kind) return fail('This field does not match its schema; reload the form.');
  switch (model.kind) {
    case 'string': {
      const text = (state as Extract<FieldState, { kind: 'string' }>).text;
      errors.push(...validateValue({ ...model.schema, type: 'string' }, text, path));
      return text;
    }
    case 'number': {
      const text = (state as Extract<FieldState, { kind: 'number' }>).text.trim();
      if (text === '') return fail(model.integer ? 'Enter a whole number.' : 'Enter a number.');
      const n = Number(text);
      if (!Number.isFinite(n)) return fail(`"${text}" is not a number.`);
      errors.push(...rangeErrors({ ...model.schema, type: model.integer ? 'integer' : 'number' }, n, path));
      return n;
    }
    case 'boolean':
      return (state as Extract<FieldState, { kind: 'boolean' }>).checked;
    case 'enum': {
      const i = (state as Extract<FieldState, { kind: 'enum' }>).index;
      if (i < 0 || i >= model.values.length) return fail('Choose a value.');
      return model.values[i];
    }
    case 'const':
      return model.value;
    case 'null':
      return null;
    case 'object': {
      const st = state as Extract<FieldState, { kind: 'object' }>;
      const out: Record<string, unknown> = {};
      for (const f of model.fields) {
        if (!f.required && !st.present[f.name]) continue;
        const fs = st.fields[f.name] ?? initialState(f.model);
        out[f.name] = read(f.model, fs, childPath(path, f.name), errors);
      }
      return out;
    }
    case 'map': {
      const st = state as Extract<FieldState, { kind: 'map' }>;
      const out: Record<string, unknown> = {};
      st.entries.forEach((e, i) => {
        if (e.key === '') fail('Enter a key.', `${path}/@key${i}`);
        else if (Object.prototype.hasOwnProperty.call(out, e.key)) fail(`The key "${e.key}" appears twice.`, `${path}/@key${i}`);
        out[e.key] = read(model.value, e.value, childPath(path, e.key), errors);
      });
      return out;
    }
    case 'array': {
      const st = state as Extract<FieldState, { kind: 'array' }>;
      const out = st.items.map((item, i) => read(model.items, item, childPath(path, i), errors));
      if (model.minItems !== undefined && out.length < model.minItems) fail(`Add at least ${model.minItems} item${model.minItems === 1 ? '' : 's'}.`);
      if (model.maxItems !== undefined && out.length > model.maxItems) fail(`At most ${model.maxItems} item${model.maxItems === 1 ? '' : 's'}.`);
      if (model.schema.uniqueItems === true && out.some((x, i) => out.findIndex((y) => deepEqual(x, y)) !== i)) fail('The items must all be different.');
      return out;
    }
    case 'nullable': {
      const st = state as Extract<FieldState, { kind: 'nullable' }>;
      return st.isNull ? null : read(model.inner, st.inner, path, errors);
    }
    case 'variant': {
      const st = state as Extract<FieldState, { kind: 'variant' }>;
      const v = model.variants[st.index];
      if (!v) return fail('Choose a variant.');
      return read(v.model, st.options[st.index] ?? initialState(v.model), path, errors);
    }
    case 'json': {
      const text = (state as Extract<FieldState, { kind: 'json' }>).text.trim();
      if (text === '') return fail('Enter a JSON value.');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return fail(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      errors.push(...validateValue(model.schema, parsed, path));
      return parsed;
    }
  }
}

/**
 * Reads an approval answered with a button: sets the approval flag (or the whole boolean) to
 * `approved` and reads the rest of the form (a note, say). Undefined when the form is no approval.
 */
export function readApproval(model: FieldModel, state: FieldState, approved: boolean): FormRead | undefined {
  const shape = approvalShape(model);
  if (!shape) return undefined;
  if (shape.flag === undefined) return { ok: true, value: approved };
  if (state.kind !== 'object') return undefined;
  const next: FieldState = { ...state, fields: { ...state.fields, [shape.flag]: { kind: 'boolean', checked: approved } } };
  return readForm(model, next);
}

/** The first error of each path, for showing one message per field. */
export function errorsByPath(errors: FieldError[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of errors) if (!out.has(e.path)) out.set(e.path, e.message);
  return out;
}
