// A small JSON Schema checker for the subset the IR emits (and a little more), written for the
// tests so the simulated provider is judged by something other than the code that generated the
// values. Returns the problems found, each with a JSON path; an empty list means valid.

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      return false;
  }
}

export function checkSchema(schema: unknown, value: unknown, path = '$'): string[] {
  if (!isObj(schema)) return [];
  const s = schema as Schema;
  const errs: string[] = [];
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) errs.push(`${path}: expected const ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errs.push(`${path}: ${JSON.stringify(value)} not in enum`);
  const alts = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alts) && !alts.some((a) => checkSchema(a, value, path).length === 0)) errs.push(`${path}: matches no alternative`);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeOk(t, value))) {
      errs.push(`${path}: expected ${types.join('|')}, got ${JSON.stringify(value)}`);
      return errs;
    }
  }
  if (isObj(value) && (s.type === 'object' || s.properties !== undefined)) {
    const props = isObj(s.properties) ? s.properties : {};
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in value)) errs.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(value)) {
      if (k in props) errs.push(...checkSchema(props[k], v, `${path}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${path}: unexpected property ${k}`);
      else if (isObj(s.additionalProperties)) errs.push(...checkSchema(s.additionalProperties, v, `${path}.${k}`));
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) errs.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) errs.push(`${path}: more than ${s.maxItems} items`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errs.push(`${path}: duplicate items`);
    value.forEach((v, i) => errs.push(...checkSchema(s.items, v, `${path}[${i}]`)));
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) errs.push(`${path}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) errs.push(`${path}: longer than ${s.maxLength}`);
    if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) errs.push(`${path}: not a date`);
    if (s.format === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value)) errs.push(`${path}: not an email`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errs.push(`${path}: below minimum ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errs.push(`${path}: above maximum ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) errs.push(`${path}: not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) errs.push(`${path}: not below ${s.exclusiveMaximum}`);
  }
  return errs;
}
