// The typed messages between the extension host (client/src/forms/form-panel.ts) and the form
// webview (webview/src/forms/main.ts). Nothing else crosses the boundary. Every string in here
// may come from a model or a spec and is shown as text, never parsed as HTML.

export interface HumanInfo {
  kind: 'node' | 'approval' | 'escalation';
  human: string;
  node: string;
  /** The rendered question. */
  prompt: string;
  /** The arguments the human was called with. */
  input: Record<string, unknown>;
  /** For approvals: the tool call waiting for the decision. */
  tool?: { name: string; args: unknown };
  /** Milliseconds left to answer when the form was sent (the webview counts down from there). */
  remainingMs?: number;
}

export interface FormSpec {
  title: string;
  description?: string;
  /** JSON Schema 2020-12 of the value. */
  schema: Record<string, unknown>;
  initial?: unknown;
  submitLabel?: string;
  /** Present when a waiting human is asked. */
  human?: HumanInfo;
}

/** Extension → webview. */
export type ToForm =
  | { type: 'init'; form: FormSpec }
  /** The host refused a submitted value (it re-checks every value against the schema). */
  | { type: 'rejected'; errors: { path: string; message: string }[] };

/** Webview → extension. */
export type FromForm =
  | { type: 'ready' }
  | { type: 'submit'; value: unknown }
  | { type: 'cancel' }
  | { type: 'log'; message: string };
