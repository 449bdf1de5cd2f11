/// <reference lib="dom" />
// The form webview in Chromium under the real page and CSP (test/forms/harness.ts): the support
// graph's input form is filled in and submitted with the right value, invalid input shows errors
// beside the fields and sends nothing, Enter submits, lists/nullables/variants/maps edit their
// parts, "Edit as JSON" round-trips, a host rejection re-opens the form, markup in a prompt,
// title, label, enum value or input renders as text and never runs, and approvals answer with
// Approve / Reject. Screenshots go to test-output/forms/. Skipped when no Chromium is installed.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FormSpec, FromForm } from '../../webview/src/forms/protocol.ts';
import type { JsonSchema } from '../../webview/src/forms/schema-model.ts';
import { childPath } from '../../webview/src/forms/validate.ts';
import { exampleIR, ROOT } from '../diagram/examples.ts';
import { findChromium } from '../webview/harness.ts';
import { startFormHarness, type FormHarness, type FormPage } from './harness.ts';

const chromium = findChromium();
const SHOTS = path.join(ROOT, 'test-output/forms');
let h: FormHarness;

const field = (p: FormPage, path: string) => p.page.locator(`.ag-field[data-path=${JSON.stringify(path)}]`).first();
const fill = (p: FormPage, path: string, text: string) => field(p, path).locator('input:not([type="checkbox"]), textarea').first().fill(text);
const errorAt = (p: FormPage, path: string) => field(p, path).locator(':scope > .ag-field-error').textContent();
const submits = async (p: FormPage) => (await p.posted()).filter((m): m is Extract<FromForm, { type: 'submit' }> => m.type === 'submit');

/** Picks an option of a vscode-single-select by its text, the way a user does: open, click. */
async function choose(p: FormPage, path: string, text: string): Promise<void> {
  const select = field(p, path).locator('vscode-single-select').first();
  await select.click();
  await select.locator('.option, [role="option"]', { hasText: text }).first().click();
}

const supportInput = () => exampleIR('support').graphs[0]!.input as JsonSchema;

describe('form webview', { skip: chromium ? false : 'no Chromium installed', timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startFormHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('the support graph input: fill in, submit, the exact value is posted', async () => {
    const p = await h.open({ title: 'Run Support', schema: supportInput(), submitLabel: 'Run' });
    try {
      assert.equal(await p.page.locator('.ag-title').textContent(), 'Run Support');
      assert.equal(await p.page.locator('.ag-submit').textContent(), 'Run');
      await fill(p, '/ticket/id', 'T-10293');
      await fill(p, '/ticket/customer_id', 'C-77');
      await fill(p, '/ticket/subject', 'Double charge');
      await fill(p, '/ticket/body', 'I was charged twice.\nPlease refund.');
      assert.equal(await field(p, '/ticket/body').locator('vscode-textarea').count(), 1, 'the body is multi-line');
      await choose(p, '/ticket/tier', 'enterprise');
      await p.page.screenshot({ path: path.join(SHOTS, 'support-input.png'), fullPage: true });
      await p.page.locator('.ag-submit').click();
      const sent = await submits(p);
      assert.deepEqual(sent, [{ type: 'submit', value: { ticket: { id: 'T-10293', customer_id: 'C-77', subject: 'Double charge', body: 'I was charged twice.\nPlease refund.', tier: 'enterprise' } } }]);
      assert.deepEqual(await p.violations(), []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('invalid input shows errors next to the fields and sends nothing; fixing it and Enter submits', async () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, age: { type: 'integer', minimum: 0, maximum: 150 }, tier: { type: 'string', enum: ['a', 'b'] } },
      required: ['name', 'age', 'tier'],
    };
    const p = await h.open({ title: 'Person', schema, initial: { tier: 'b' } });
    try {
      await fill(p, '/age', '200.5');
      await p.page.locator('.ag-submit').click();
      assert.equal(await errorAt(p, '/name'), 'Must not be empty.');
      assert.equal(await errorAt(p, '/age'), 'Must be a whole number. Must be at most 150.');
      assert.equal(await errorAt(p, '/tier'), '');
      // Colours come from the theme: VS Code sets these variables on the page.
      await p.page.evaluate(() => document.documentElement.style.setProperty('--vscode-errorForeground', 'rgb(200, 10, 20)'));
      assert.equal(await field(p, '/name').locator(':scope > .ag-field-error').evaluate((e) => getComputedStyle(e).color), 'rgb(200, 10, 20)');
      assert.match((await p.page.locator('.ag-status').textContent()) ?? '', /fix the 3 problems/);
      assert.deepEqual(await submits(p), []);
      await fill(p, '/name', 'Ada');
      await fill(p, '/age', '36');
      await field(p, '/age').locator('input').press('Enter');
      await p.page.waitForFunction(() => (window as unknown as { __agPosted: { type: string }[] }).__agPosted.some((m) => m.type === 'submit'));
      assert.deepEqual(await submits(p), [{ type: 'submit', value: { name: 'Ada', age: 36, tier: 'b' } }]);
      assert.equal(await errorAt(p, '/age'), '');
    } finally {
      await p.close();
    }
  });

  test('lists add and remove rows, nullables toggle, variants switch, maps take keys', async () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        cites: { type: 'array', items: { type: 'string' } },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        shape: { oneOf: [{ type: 'object', title: 'Circle', properties: { r: { type: 'number' } }, required: ['r'] }, { type: 'object', title: 'Square', properties: { side: { type: 'number' } }, required: ['side'] }] },
        scores: { type: 'object', additionalProperties: { type: 'integer' } },
        extra: { type: 'boolean' },
      },
      required: ['cites', 'note', 'shape', 'scores'],
    };
    const p = await h.open({ title: 'Shapes', schema, initial: { cites: ['a', 'b'] } });
    try {
      const cites = field(p, '/cites');
      await cites.locator('.ag-add').click();
      await fill(p, '/cites/2', 'c');
      await field(p, '/cites').locator('.ag-row').first().locator('vscode-button').click();
      await field(p, '/note').locator('.ag-null-toggle').click();
      await fill(p, '/note', 'handle by hand');
      await choose(p, '', 'Square');
      await fill(p, '/shape/side', '2');
      await field(p, '/scores').locator('.ag-add').click();
      await field(p, '/scores/@key0').locator('input').fill('x');
      await field(p, '/scores').locator('.ag-map-row input').nth(1).fill('7');
      await p.page.locator('.ag-optional-toggle').click();
      await p.page.screenshot({ path: path.join(SHOTS, 'shapes.png'), fullPage: true });
      await p.page.locator('.ag-submit').click();
      assert.deepEqual(await submits(p), [{ type: 'submit', value: { cites: ['b', 'c'], note: 'handle by hand', shape: { side: 2 }, scores: { x: 7 }, extra: false } }]);
    } finally {
      await p.close();
    }
  });

  test('"Edit as JSON" shows the value, takes edits back into the form, and a host rejection re-opens the form', async () => {
    const p = await h.open({ title: 'Run Support', schema: supportInput() });
    try {
      await p.page.locator('.ag-json-toggle').click();
      const area = p.page.locator('.ag-whole-json textarea');
      const shown = JSON.parse(await area.inputValue()) as { ticket: Record<string, unknown> };
      assert.deepEqual(Object.keys(shown.ticket), ['id', 'customer_id', 'subject', 'body']);
      await area.fill(JSON.stringify({ ticket: { id: '1', customer_id: '2', subject: '3', body: '4', tier: 'pro' } }));
      await p.page.locator('.ag-json-toggle').click();
      assert.equal(await field(p, '/ticket/subject').locator('input').inputValue(), '3');
      await p.page.locator('.ag-submit').click();
      assert.equal((await submits(p)).length, 1);
      assert.equal(await p.page.locator('.ag-submit').getAttribute('disabled'), '');
      await p.post({ type: 'rejected', errors: [{ path: '/ticket/id', message: 'Unknown ticket.' }] });
      await p.page.waitForFunction(() => !document.querySelector('.ag-submit')?.hasAttribute('disabled'));
      assert.equal(await errorAt(p, '/ticket/id'), 'Unknown ticket.');
    } finally {
      await p.close();
    }
  });

  test('markup in a prompt, title, label, enum value or input is shown as text and never runs', async () => {
    const xss = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const schema: JsonSchema = {
      type: 'object',
      title: xss,
      properties: { [xss]: { type: 'string', description: xss }, pick: { type: 'string', enum: [xss, 'ok'] } },
      required: [xss, 'pick'],
    };
    const form: FormSpec = { title: xss, description: xss, schema, initial: { [xss]: xss }, human: { kind: 'node', human: xss, node: xss, prompt: `Hello ${xss}`, input: { q: xss } } };
    const p = await h.open(form);
    try {
      await p.page.waitForTimeout(200);
      assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
      assert.equal(await p.page.locator('img').count(), 0);
      assert.equal(await p.page.locator('#app script').count(), 0);
      assert.equal(await p.page.locator('.ag-title').textContent(), xss);
      assert.equal(await p.page.locator('.ag-prompt').textContent(), `Hello ${xss}`);
      assert.equal(await p.page.locator('.ag-field vscode-label').first().textContent(), xss);
      assert.match((await p.page.locator('.ag-input pre').textContent()) ?? '', /onerror/);
      // The first option is the empty "Choose…" entry of a select without a value yet.
      assert.equal(await p.page.locator('vscode-option').nth(1).textContent(), xss);
      assert.equal(await field(p, childPath('', xss)).locator('input').inputValue(), xss);
      await choose(p, '/pick', xss);
      await p.page.locator('.ag-submit').click();
      assert.deepEqual(await submits(p), [{ type: 'submit', value: { [xss]: xss, pick: xss } }]);
      assert.deepEqual(await p.violations(), []);
    } finally {
      await p.close();
    }
  });

  test('approvals: the tool call as JSON text, a countdown, Approve / Reject with a note', async () => {
    const ir = exampleIR('supervisor-tree');
    const human = ir.humans.find((x) => x.name === 'ap_manager')!;
    const args = { vendor_id: 'V-1', amount: 1200, currency: 'EUR' };
    const form: FormSpec = {
      title: 'ap_manager: approval needed',
      schema: human.output as JsonSchema,
      human: { kind: 'approval', human: 'ap_manager', node: 'pay', prompt: 'Approve paying 1200 EUR to V-1?', input: { instruction: args }, tool: { name: 'bank_transfer', args }, remainingMs: 3_600_000 },
    };
    const p = await h.open(form);
    try {
      assert.equal(await p.page.locator('.ag-kind').textContent(), 'Approval of a tool call');
      assert.deepEqual(JSON.parse((await p.page.locator('.ag-tool-args').textContent()) ?? ''), args);
      assert.match((await p.page.locator('.ag-countdown').textContent()) ?? '', /Time left to answer: (1h 00m 00s|59m 5\ds)/);
      assert.equal(await p.page.locator('.ag-submit').count(), 0);
      assert.equal(await field(p, '/approved').count(), 0, 'the flag is the buttons, not a checkbox');
      // Enter does not decide an approval.
      await field(p, '/note').locator('.ag-null-toggle').click();
      await fill(p, '/note', 'amount too high');
      await field(p, '/note').locator('input').press('Enter');
      assert.deepEqual(await submits(p), []);
      await p.page.screenshot({ path: path.join(SHOTS, 'approval.png'), fullPage: true });
      await p.page.locator('.ag-reject').click();
      assert.deepEqual(await submits(p), [{ type: 'submit', value: { approved: false, note: 'amount too high' } }]);
    } finally {
      await p.close();
    }
    const q = await h.open({ title: 'ok?', schema: { type: 'boolean' }, human: { kind: 'approval', human: 'lead', node: 'n', prompt: 'Go?', input: {} } });
    try {
      await q.page.locator('.ag-approve').click();
      assert.deepEqual(await submits(q), [{ type: 'submit', value: true }]);
      assert.equal(await q.page.locator('.ag-input').count(), 0, 'no input section without input');
      assert.equal(await q.page.locator('.ag-json-toggle').isVisible(), false, 'nothing to edit as JSON');
    } finally {
      await q.close();
    }
    // Edited as JSON, the button still decides the approval.
    const j = await h.open(form);
    try {
      await j.page.locator('.ag-json-toggle').click();
      await j.page.locator('.ag-whole-json textarea').fill('{"approved": true, "note": "via JSON"}');
      await j.page.locator('.ag-reject').click();
      assert.deepEqual(await submits(j), [{ type: 'submit', value: { approved: false, note: 'via JSON' } }]);
    } finally {
      await j.close();
    }
  });

  test('Cancel posts cancel', async () => {
    const p = await h.open({ title: 'x', schema: { type: 'string' } });
    try {
      await p.page.locator('.ag-cancel').click();
      assert.deepEqual((await p.posted()).map((m) => m.type), ['ready', 'cancel']);
    } finally {
      await p.close();
    }
  });
});
