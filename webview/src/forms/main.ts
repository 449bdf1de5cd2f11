/// <reference lib="dom" />
// The form webview (dist/forms.js): shows a form generated from a JSON Schema and posts the value
// back (webview/src/forms/protocol.ts). For a waiting human it also shows who asks and why (the
// prompt as text, the tool call of an approval, the human's input arguments, a countdown), and
// approvals get Approve / Reject buttons. Values are checked against the schema before they are
// sent; errors appear next to their fields. Enter submits (Ctrl+Enter inside multi-line fields).

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type { FormSpec, FromForm, HumanInfo, ToForm } from './protocol.ts';
import { renderField, showErrors } from './render.ts';
import { approvalShape, buildModel, type FieldModel } from './schema-model.ts';
import { initialState, readApproval, readForm, type FieldState, type FormRead } from './schema-form.ts';
import { validateValue } from './validate.ts';

interface RawApi {
  postMessage(message: unknown): void;
}

// Outside VS Code (a plain page) there is no API and messages are dropped.
const acquire = (window as unknown as { acquireVsCodeApi?: () => RawApi }).acquireVsCodeApi;
const api: RawApi | undefined = typeof acquire === 'function' ? acquire() : undefined;
const post = (m: FromForm) => api?.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const KIND_TEXT: Record<HumanInfo['kind'], string> = {
  node: 'Question',
  approval: 'Approval of a tool call',
  escalation: 'Escalation',
};

/** "1h 02m 05s" style remaining time. */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(sec)}s` : m > 0 ? `${m}m ${pad(sec)}s` : `${sec}s`;
}

class FormView {
  private model: FieldModel;
  private state: FieldState;
  private jsonMode = false;
  private jsonText = '';
  private sent = false;
  private readonly formBox = el('div', 'ag-form');
  private readonly status = el('div', 'ag-status');
  private readonly buttons: HTMLElement[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly spec: FormSpec,
    private readonly root: HTMLElement,
  ) {
    this.model = buildModel(spec.schema);
    this.state = initialState(this.model, spec.initial);
  }

  private get approval(): { flag?: string } | undefined {
    return this.spec.human?.kind === 'approval' ? approvalShape(this.model) : undefined;
  }

  mount(): void {
    document.title = this.spec.title;
    const header = el('header', 'ag-header');
    header.append(el('h1', 'ag-title', this.spec.title));
    if (this.spec.description) header.append(el('p', 'ag-description', this.spec.description));
    this.root.replaceChildren(header);
    if (this.spec.human) this.root.append(this.humanSection(this.spec.human));
    const toolbar = el('div', 'ag-form-toolbar');
    // An approval that is only the two buttons has nothing to edit as JSON.
    if (!this.visibleModel()) toolbar.hidden = true;
    const toggle = el('vscode-button', 'ag-json-toggle', 'Edit as JSON');
    toggle.secondary = true;
    toggle.addEventListener('click', () => {
      this.switchMode();
      toggle.textContent = this.jsonMode ? 'Edit as form' : 'Edit as JSON';
    });
    toolbar.append(toggle);
    this.root.append(toolbar, this.formBox, this.actions(), this.status);
    this.drawForm();
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    // Typing can start at once: the first control has the focus (an approval waits for a click).
    if (!this.approval) this.formBox.querySelector<HTMLElement>('.ag-control')?.focus();
  }

  private humanSection(h: HumanInfo): HTMLElement {
    const sec = el('section', 'ag-human');
    const meta = el('div', 'ag-human-meta');
    meta.append(el('span', `ag-kind ag-kind-${h.kind}`, KIND_TEXT[h.kind]), el('span', 'ag-node', `for node ${h.node}`));
    sec.append(meta);
    if (h.tool) {
      sec.append(el('div', 'ag-section-title', `Tool call: ${h.tool.name}`));
      sec.append(el('pre', 'ag-json-text ag-tool-args', JSON.stringify(h.tool.args, null, 2) ?? 'undefined'));
    }
    sec.append(el('div', 'ag-prompt', h.prompt));
    if (Object.keys(h.input).length > 0) {
      const c = el('vscode-collapsible', 'ag-input');
      c.heading = `Input of ${h.human}`;
      c.append(el('pre', 'ag-json-text', JSON.stringify(h.input, null, 2)));
      sec.append(c);
    }
    if (h.remainingMs !== undefined) {
      const countdown = el('div', 'ag-countdown');
      const deadline = Date.now() + h.remainingMs;
      const tick = () => {
        const left = deadline - Date.now();
        countdown.textContent = left > 0 ? `Time left to answer: ${formatRemaining(left)}` : 'The time to answer is up; the run no longer waits for this answer.';
        countdown.classList.toggle('ag-expired', left <= 0);
        if (left <= 0 && this.timer) clearInterval(this.timer);
      };
      tick();
      this.timer = setInterval(tick, 1000);
      sec.append(countdown);
    }
    return sec;
  }

  /** The model drawn as controls: for approvals, everything except the approval flag itself. */
  private visibleModel(): FieldModel | undefined {
    const a = this.approval;
    if (!a) return this.model;
    if (a.flag === undefined || this.model.kind !== 'object') return undefined;
    const fields = this.model.fields.filter((f) => f.name !== a.flag);
    return fields.length === 0 ? undefined : { ...this.model, fields };
  }

  private drawForm(): void {
    if (this.jsonMode) {
      const box = el('div', 'ag-field');
      box.dataset.path = '';
      const area = el('vscode-textarea', 'ag-control ag-json ag-whole-json');
      area.monospace = true;
      area.rows = 14;
      area.value = this.jsonText;
      area.addEventListener('input', () => (this.jsonText = area.value));
      box.append(area, el('div', 'ag-field-error'));
      this.formBox.replaceChildren(box);
      return;
    }
    const visible = this.visibleModel();
    this.formBox.replaceChildren(...(visible ? [renderField(visible, this.state, '', undefined)] : []));
  }

  private switchMode(): void {
    if (this.jsonMode) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(this.jsonText);
      } catch (e) {
        showErrors(this.formBox, [{ path: '', message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]);
        return;
      }
      this.state = initialState(this.model, parsed);
      this.jsonMode = false;
    } else {
      const r = readForm(this.model, this.state);
      this.jsonText = JSON.stringify(r.value, null, 2) ?? '';
      this.jsonMode = true;
    }
    this.drawForm();
  }

  private actions(): HTMLElement {
    const bar = el('div', 'ag-actions');
    const add = (text: string, secondary: boolean, onClick: () => void, cls: string) => {
      const b = el('vscode-button', cls, text);
      b.secondary = secondary;
      b.addEventListener('click', onClick);
      this.buttons.push(b);
      bar.append(b);
    };
    if (this.approval) {
      add('Approve', false, () => this.submit(true), 'ag-approve');
      add('Reject', true, () => this.submit(false), 'ag-reject');
    } else add(this.spec.submitLabel ?? 'Submit', false, () => this.submit(), 'ag-submit');
    add('Cancel', true, () => this.cancel(), 'ag-cancel');
    return bar;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.isComposing || this.sent) return;
    const path = e.composedPath();
    const inTextarea = path.some((t) => t instanceof HTMLElement && (t.tagName === 'TEXTAREA' || t.tagName === 'VSCODE-TEXTAREA'));
    const onWidget = path.some((t) => t instanceof HTMLElement && /^(VSCODE-BUTTON|VSCODE-SINGLE-SELECT|VSCODE-CHECKBOX|VSCODE-COLLAPSIBLE)$/.test(t.tagName));
    if ((inTextarea || onWidget) && !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    // An approval has two answers; Enter never decides it.
    if (this.approval) return;
    this.submit();
  }

  /** Reads the value (for approvals: with the decision), shows errors, or sends it. */
  submit(approved?: boolean): void {
    if (this.sent) return;
    let r: FormRead | undefined;
    if (this.jsonMode) {
      try {
        let value: unknown = JSON.parse(this.jsonText);
        // The buttons of an approval decide it, whatever the text says about the flag.
        const flag = approved === undefined ? undefined : this.approval?.flag;
        if (approved !== undefined && flag === undefined) value = approved;
        else if (flag !== undefined && value && typeof value === 'object' && !Array.isArray(value)) value = { ...value, [flag]: approved };
        const errors = validateValue(this.spec.schema, value);
        r = errors.length ? { ok: false, value, errors } : { ok: true, value };
      } catch (e) {
        r = { ok: false, value: undefined, errors: [{ path: '', message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
      }
    } else if (approved !== undefined) r = readApproval(this.model, this.state, approved);
    else r = readForm(this.model, this.state);
    if (!r) return;
    if (!r.ok) {
      this.status.textContent = `Please fix ${r.errors.length === 1 ? 'the problem' : `the ${r.errors.length} problems`} above.`;
      const first = showErrors(this.formBox, r.errors);
      first?.focus();
      return;
    }
    showErrors(this.formBox, []);
    this.sent = true;
    for (const b of this.buttons) b.setAttribute('disabled', '');
    this.status.textContent = 'Sent.';
    post({ type: 'submit', value: r.value });
  }

  private cancel(): void {
    if (this.sent) return;
    this.sent = true;
    for (const b of this.buttons) b.setAttribute('disabled', '');
    post({ type: 'cancel' });
  }

  /** The host refused the value: allow another try and show why. */
  rejected(errors: { path: string; message: string }[]): void {
    this.sent = false;
    for (const b of this.buttons) b.removeAttribute('disabled');
    this.status.textContent = 'The value was not accepted.';
    showErrors(this.formBox, errors);
  }
}

let view: FormView | undefined;
const app = document.getElementById('app');

window.addEventListener('message', (e: MessageEvent<ToForm>) => {
  const m = e.data;
  if (!m || typeof m !== 'object' || !app) return;
  if (m.type === 'init') {
    // One form per page: a repeated init (a host retrying) must not stack a second form.
    if (view) return;
    view = new FormView(m.form, app);
    view.mount();
  } else if (m.type === 'rejected') view?.rejected(m.errors);
});

// The host sends the form when the page says it is ready (again after a reload).
post({ type: 'ready' });
