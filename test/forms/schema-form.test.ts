// The pure part of the schema forms: which control each JSON Schema shape becomes, the messages of
// client-side validation (with their field paths), the round trip value → form state → value for
// every example's graph inputs and human answers, and approvals answered with a button.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { approvalShape, buildModel, type FieldModel, type JsonSchema } from '../../webview/src/forms/schema-model.ts';
import { initialState, readApproval, readForm, type FieldState } from '../../webview/src/forms/schema-form.ts';
import { validateValue } from '../../webview/src/forms/validate.ts';
import { EXAMPLES, exampleIR } from '../diagram/examples.ts';

const kinds = (m: FieldModel): unknown => {
  switch (m.kind) {
    case 'object':
      return Object.fromEntries(m.fields.map((f) => [f.required ? f.name : `${f.name}?`, kinds(f.model)]));
    case 'array':
      return [kinds(m.items)];
    case 'map':
      return { '*': kinds(m.value) };
    case 'nullable':
      return `${String(kinds(m.inner))}|null`;
    case 'variant':
      return m.variants.map((v) => `${v.label}:${JSON.stringify(kinds(v.model))}`);
    case 'enum':
      return `enum(${m.values.map((v) => JSON.stringify(v)).join(',')})`;
    default:
      return m.kind;
  }
};

const errorsOf = (schema: JsonSchema, state: (s: FieldState) => void) => {
  const model = buildModel(schema);
  const st = initialState(model);
  state(st);
  const r = readForm(model, st);
  return r.ok ? [] : r.errors;
};

describe('schema → form model', () => {
  test('every supported shape gets its control', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        body: { type: 'string', description: 'Markdown text' },
        count: { type: 'integer', minimum: 0, maximum: 10 },
        ratio: { type: 'number' },
        ok: { type: 'boolean' },
        tier: { type: 'string', enum: ['free', 'pro'] },
        level: { anyOf: [{ const: 1 }, { const: 2 }] },
        fixed: { const: 'v1' },
        tags: { type: 'array', items: { type: 'string' } },
        address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        maybe: { type: ['integer', 'null'] },
        scores: { type: 'object', additionalProperties: { type: 'number' } },
        anything: {},
        shape: {
          oneOf: [
            { type: 'object', properties: { kind: { const: 'circle' }, r: { type: 'number' } }, required: ['kind', 'r'] },
            { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'] },
          ],
        },
        ref: { $ref: '#/$defs/Point' },
        extra: { type: 'string' },
      },
      required: ['name', 'body', 'count', 'ratio', 'ok', 'tier', 'level', 'fixed', 'tags', 'address', 'note', 'maybe', 'scores', 'anything', 'shape', 'ref'],
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
    };
    const model = buildModel(schema);
    assert.deepEqual(kinds(model), {
      name: 'string',
      body: 'string',
      count: 'number',
      ratio: 'number',
      ok: 'boolean',
      tier: 'enum("free","pro")',
      level: 'enum(1,2)',
      fixed: 'const',
      tags: ['string'],
      address: { city: 'string' },
      note: 'string|null',
      maybe: 'number|null',
      scores: { '*': 'number' },
      anything: 'json',
      shape: ['circle:{"kind":"const","r":"number"}', 'square:{"kind":"const","side":"number"}'],
      ref: { x: 'number' },
      'extra?': 'string',
    });
    assert.ok(model.kind === 'object');
    const field = (n: string) => model.fields.find((f) => f.name === n)!.model;
    const multiline = (n: string) => {
      const f = field(n);
      return f.kind === 'string' && f.multiline;
    };
    assert.deepEqual([multiline('name'), multiline('body')], [false, true]);
    const count = field('count');
    assert.ok(count.kind === 'number' && count.integer && count.minimum === 0 && count.maximum === 10);
  });

  test('variants are labelled by title, discriminator or type; schemas it cannot map fall back to JSON', () => {
    const m = buildModel({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { title: 'Pair', type: 'object', properties: { a: { type: 'string' } } }] });
    assert.ok(m.kind === 'variant');
    assert.deepEqual(
      m.variants.map((v) => v.label),
      ['string', 'list', 'Pair'],
    );
    assert.equal(buildModel({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'number' } }).kind, 'json');
    assert.equal(buildModel({ allOf: [{ type: 'string' }] }).kind, 'json');
    assert.equal(buildModel({ $ref: '#/$defs/missing' }).kind, 'json');
    // A self-referencing schema stops at a depth limit instead of recursing forever.
    const tree = buildModel({ $ref: '#/$defs/T', $defs: { T: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/T' } } }, required: ['kids'] } } });
    assert.equal(tree.kind, 'object');
  });

  test('approvals: a boolean or an object with a required approved flag', () => {
    assert.deepEqual(approvalShape(buildModel({ type: 'boolean' })), {});
    const approval = exampleIR('supervisor-tree').humans.find((h) => h.name === 'ap_manager')!.output as JsonSchema;
    assert.deepEqual(approvalShape(buildModel(approval)), { flag: 'approved' });
    assert.equal(approvalShape(buildModel({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] })), undefined);
  });
});

describe('validation', () => {
  test('empty controls report what is missing, each at its field', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { n: { type: 'number' }, tier: { type: 'string', enum: ['a', 'b'] }, raw: {}, inner: { type: 'object', properties: { i: { type: 'integer' } }, required: ['i'] } },
      required: ['n', 'tier', 'raw', 'inner'],
    };
    assert.deepEqual(
      errorsOf(schema, () => undefined),
      [
        { path: '/n', message: 'Enter a number.' },
        { path: '/tier', message: 'Choose a value.' },
        { path: '/raw', message: 'Enter a JSON value.' },
        { path: '/inner/i', message: 'Enter a whole number.' },
      ],
    );
  });

  test('types, ranges, lengths, patterns, item counts and JSON fields', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 1, maximum: 5 },
        x: { type: 'number', exclusiveMaximum: 1 },
        s: { type: 'string', minLength: 2, pattern: '^[a-z]+$' },
        list: { type: 'array', items: { type: 'string' }, minItems: 1 },
        j: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } }, patternProperties: {} },
        raw: { allOf: [{ type: 'array', items: { type: 'integer' } }] },
      },
      required: ['n', 'x', 's', 'list', 'raw'],
    };
    const errors = errorsOf(schema, (st) => {
      assert.ok(st.kind === 'object');
      st.fields.n = { kind: 'number', text: '2.5' };
      st.fields.x = { kind: 'number', text: 'abc' };
      st.fields.s = { kind: 'string', text: 'A' };
      st.fields.list = { kind: 'array', items: [] };
      st.fields.raw = { kind: 'json', text: '[1, "two"]' };
    });
    assert.deepEqual(errors, [
      { path: '/n', message: 'Must be a whole number.' },
      { path: '/x', message: '"abc" is not a number.' },
      { path: '/s', message: 'At least 2 characters.' },
      { path: '/s', message: 'Must match the pattern ^[a-z]+$.' },
      { path: '/list', message: 'Add at least 1 item.' },
      { path: '/raw/1', message: 'Expected a whole number.' },
    ]);
    const more = errorsOf(schema, (st) => {
      assert.ok(st.kind === 'object');
      st.fields.n = { kind: 'number', text: '9' };
      st.fields.x = { kind: 'number', text: '1' };
      st.fields.s = { kind: 'string', text: 'ok' };
      st.fields.list = { kind: 'array', items: [{ kind: 'string', text: 'a' }] };
      st.fields.raw = { kind: 'json', text: '{oops' };
    });
    assert.deepEqual(
      more.map((e) => [e.path, e.message.replace(/:.*/, '')]),
      [
        ['/n', 'Must be at most 5.'],
        ['/x', 'Must be less than 1.'],
        ['/raw', 'Not valid JSON'],
      ],
    );
  });

  test('list items must differ when the schema says so', () => {
    const errors = errorsOf({ type: 'array', items: { type: 'string' }, uniqueItems: true }, (st) => {
      assert.ok(st.kind === 'array');
      st.items.push({ kind: 'string', text: 'a' }, { kind: 'string', text: 'a' });
    });
    assert.deepEqual(errors, [{ path: '', message: 'The items must all be different.' }]);
  });

  test('map keys must be filled in and unique', () => {
    const errors = errorsOf({ type: 'object', additionalProperties: { type: 'integer' } }, (st) => {
      assert.ok(st.kind === 'map');
      st.entries.push({ key: 'a', value: { kind: 'number', text: '1' } }, { key: 'a', value: { kind: 'number', text: '2' } }, { key: '', value: { kind: 'number', text: '3' } });
    });
    assert.deepEqual(errors, [
      { path: '/@key1', message: 'The key "a" appears twice.' },
      { path: '/@key2', message: 'Enter a key.' },
    ]);
  });

  test('the value validator: required, unknown fields, enums, const, anyOf', () => {
    const schema = exampleIR('support').graphs[0]!.input as JsonSchema;
    assert.deepEqual(validateValue(schema, { ticket: { id: 'T-1', customer_id: 'c', subject: 's', body: 'b', tier: 'gold', extra: 1 } }), [
      { path: '/ticket/tier', message: 'Must be one of: free, pro, enterprise.' },
      { path: '/ticket/extra', message: 'Unknown field "extra".' },
    ]);
    assert.deepEqual(validateValue(schema, { ticket: {} }).map((e) => e.path), ['/ticket/id', '/ticket/customer_id', '/ticket/subject', '/ticket/body', '/ticket/tier']);
    assert.deepEqual(validateValue({ const: 3 }, 4), [{ path: '', message: 'Must be 3.' }]);
    assert.deepEqual(validateValue({ anyOf: [{ type: 'string' }, { type: 'null' }] }, 3), [{ path: '', message: 'Does not match any of the allowed shapes.' }]);
    assert.deepEqual(validateValue({ anyOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'null' }] }, {}), [{ path: '/a', message: 'Required.' }]);
    assert.deepEqual(validateValue({ type: 'number' }, 3), []);
    assert.deepEqual(validateValue({ type: 'array', uniqueItems: true }, [1, 2, 1]), [{ path: '', message: 'The items must all be different.' }]);
    assert.deepEqual(validateValue({ type: 'integer' }, 3.5), [{ path: '', message: 'Expected a whole number.' }]);
  });
});

describe('round trip', () => {
  const values: [string, JsonSchema, unknown][] = [
    ['nested object with enum', exampleIR('support').graphs[0]!.input as JsonSchema, { ticket: { id: 'T-1', customer_id: 'C-9', subject: 'Refund', body: 'Line 1\nLine 2', tier: 'pro' } }],
    ['nullable string, set and null', { type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] }, b: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, required: ['a', 'b'] }, { a: 'x', b: null }],
    ['optional field present and absent', { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'boolean' } }, required: [] }, { b: false }],
    ['map of lists', { type: 'object', additionalProperties: { type: 'array', items: { type: 'number' } } }, { x: [1, 2.5], 'a/b': [] }],
    ['variant by discriminator', { oneOf: [{ type: 'object', properties: { kind: { const: 'c' }, r: { type: 'number' } }, required: ['kind', 'r'] }, { type: 'object', properties: { kind: { const: 's' }, side: { type: 'number' } }, required: ['kind', 'side'] }] }, { kind: 's', side: 4 }],
    ['literal union of numbers', { anyOf: [{ const: 1 }, { const: 2 }] }, 2],
    ['free JSON', {}, { any: ['thing', 1, null] }],
  ];
  for (const [name, schema, value] of values) {
    test(name, () => {
      const model = buildModel(schema);
      assert.deepEqual(readForm(model, initialState(model, value)), { ok: true, value });
    });
  }

  test('every graph input and human answer of the examples: schema-valid values survive the form', () => {
    for (const ex of EXAMPLES) {
      const ir = exampleIR(ex);
      const schemas = [...ir.graphs.map((g) => g.input), ...ir.humans.map((h) => h.output)] as JsonSchema[];
      for (const schema of schemas) {
        const model = buildModel(schema);
        assert.notEqual(model.kind, 'json', `${ex}: a form, not a JSON field`);
        const sample = sampleValue(schema);
        assert.deepEqual(validateValue(schema, sample), [], `${ex}: the sample is valid`);
        assert.deepEqual(readForm(model, initialState(model, sample)), { ok: true, value: sample }, `${ex}: round trip`);
      }
    }
  });

  test('approvals read the decision and the rest of the form', () => {
    const approval = exampleIR('supervisor-tree').humans.find((h) => h.name === 'ap_manager')!.output as JsonSchema;
    const model = buildModel(approval);
    const st = initialState(model);
    assert.deepEqual(readApproval(model, st, false), { ok: true, value: { approved: false, note: null } });
    assert.ok(st.kind === 'object');
    st.fields.note = { kind: 'nullable', isNull: false, inner: { kind: 'string', text: 'too high' } };
    assert.deepEqual(readApproval(model, st, true), { ok: true, value: { approved: true, note: 'too high' } });
    assert.deepEqual(readApproval(buildModel({ type: 'boolean' }), initialState(buildModel({ type: 'boolean' })), true), { ok: true, value: true });
    assert.equal(readApproval(buildModel({ type: 'string' }), { kind: 'string', text: '' }, true), undefined);
  });
});

/** A valid value of a schema built from the IR: non-empty text, small numbers, the first enum value. */
function sampleValue(s: JsonSchema): unknown {
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.anyOf)) return sampleValue(s.anyOf[0] as JsonSchema);
  switch (s.type) {
    case 'string':
      return 'text';
    case 'number':
      return 0.5;
    case 'integer':
      return 3;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return [sampleValue(s.items as JsonSchema)];
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      if (Object.keys(props).length === 0) return { key: sampleValue((s.additionalProperties as JsonSchema) ?? {}) };
      return Object.fromEntries(Object.entries(props).map(([k, p]) => [k, sampleValue(p)]));
    }
    default:
      return 'anything';
  }
}
