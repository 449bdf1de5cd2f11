// Signature help: the parameters of the call around the cursor, with the active one highlighted.
// Covers node calls on edges (`billing(` → the agent's parameters, matched by position or by
// name), `end(`, built-in functions (`contains(`, `len(` …), backoff strategies
// (`exponential(`), supervision strategies (`one_for_one(`) and model providers (`openai(`).

import type { Analysis } from '../semantics/analyze.ts';
import { displayShort } from '../semantics/types.ts';
import { signatureParts } from './common.ts';
import { contextFor } from './completion.ts';
import type { CallSite } from './context.ts';
import { BACKOFF_DOCS, BUILTIN_FUNCTIONS, PROVIDER_DOCS, STRATEGY_DOCS } from './hover.ts';

export interface SignatureParameter {
  /** Offsets of the parameter inside the signature label. */
  label: [number, number];
  /** Markdown. */
  documentation?: string;
}

export interface SignatureEntry {
  label: string;
  documentation?: string;
  parameters: SignatureParameter[];
}

export interface SignatureHelpResult {
  signatures: SignatureEntry[];
  activeSignature: number;
  activeParameter: number;
}

interface SimpleParam {
  name: string;
  type: string;
  doc?: string;
}

function build(name: string, params: SimpleParam[], result: string | undefined, doc: string | undefined): { sig: SignatureEntry; names: string[] } {
  let label = `${name}(`;
  const parameters: SignatureParameter[] = [];
  params.forEach((p, i) => {
    if (i > 0) label += ', ';
    const text = `${p.name}: ${p.type}`;
    parameters.push({ label: [label.length, label.length + text.length], documentation: p.doc });
    label += text;
  });
  label += ')';
  if (result) label += ` -> ${result}`;
  return { sig: { label, documentation: doc, parameters }, names: params.map((p) => p.name) };
}

/** The parameter the cursor is on: by name when written `name: …`, else the next positional one. */
function activeIndex(call: CallSite, names: string[]): number {
  if (call.currentName !== undefined) {
    const i = names.indexOf(call.currentName);
    return i >= 0 ? i : names.length;
  }
  const filled = new Set<string>();
  let next = 0;
  for (const n of call.before) {
    if (n !== undefined) {
      filled.add(n);
      continue;
    }
    while (next < names.length && filled.has(names[next]!)) next++;
    if (next < names.length) filled.add(names[next]!);
    next++;
  }
  while (next < names.length && filled.has(names[next]!)) next++;
  return next;
}

/** Signature help at `offset` of `text`; the analysis may be of an older version of the text. */
export function signatureHelp(analysis: Analysis, text: string, offset: number): SignatureHelpResult | undefined {
  const call = contextFor(analysis, text, offset).call;
  if (!call) return undefined;
  let built: { sig: SignatureEntry; names: string[] } | undefined;
  switch (call.kind) {
    case 'node': {
      const sym = analysis.symbols.get(call.callee);
      const info = sym ? analysis.decls.callable(sym) : undefined;
      if (!info) return undefined;
      const parts = signatureParts(info);
      built = {
        sig: {
          label: parts.label,
          documentation: [`${info.kind} \`${info.sym.name}\``, sym!.decl.doc].filter(Boolean).join('\n\n'),
          parameters: parts.params.map((p) => ({ label: [p.start, p.end] as [number, number], documentation: `\`${p.name}: ${displayShort(p.type)}\`${p.type.k === 'optional' ? ' (optional)' : ''}` })),
        },
        names: parts.params.map((p) => p.name),
      };
      break;
    }
    case 'end': {
      const g = call.graph ? analysis.graphs.get(call.graph)?.model : undefined;
      built = build('end', [{ name: 'value', type: g ? displayShort(g.info.output) : 'result', doc: 'The result of the run.' }], undefined, 'Ends the run with its result.');
      break;
    }
    case 'builtin': {
      const b = BUILTIN_FUNCTIONS[call.callee];
      if (!b) return undefined;
      built = build(call.callee, b.params, b.result, b.doc);
      break;
    }
    case 'backoff':
      built = build(
        call.callee,
        [
          { name: 'base', type: 'duration', doc: 'The first wait, e.g. `250ms`.' },
          { name: 'max', type: 'duration', doc: 'The longest wait, e.g. `4s`.' },
          { name: 'jitter', type: 'boolean', doc: 'Randomise the waits (default `true`).' },
        ],
        undefined,
        BACKOFF_DOCS[call.callee] ?? 'A backoff strategy: exponential, linear or constant.',
      );
      break;
    case 'strategy':
      built = build(
        call.callee,
        [
          { name: 'max_restarts', type: 'integer', doc: 'Restarts allowed within the period before escalating.' },
          { name: 'within', type: 'duration', doc: 'The period over which restarts are counted.' },
        ],
        undefined,
        STRATEGY_DOCS[call.callee] ?? 'A supervision strategy: one_for_one, one_for_all or rest_for_one.',
      );
      break;
    case 'provider':
      built = build(call.callee, [{ name: 'id', type: 'string', doc: 'A model id; ids in the built-in catalog get prices and limits.' }], undefined, PROVIDER_DOCS[call.callee]);
      break;
    case 'file':
      built = build('file', [{ name: 'path', type: 'string', doc: 'Relative to this spec.' }], undefined, 'A prompt read from a Markdown or text file.');
      break;
  }
  if (!built) return undefined;
  return { signatures: [built.sig], activeSignature: 0, activeParameter: activeIndex(call, built.names) };
}
