// The host side of the forms without VS Code: the page (CSP, one nonce'd script, escaping) and the
// form a waiting human sees for each kind of question.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formPageHtml } from '../../client/src/forms/form-html.ts';
import { humanFormSpec, waitingMessage } from '../../client/src/forms/human-form.ts';

describe('form page', () => {
  test('strict CSP, exactly one script with the nonce, the stylesheet, escaped values', () => {
    const html = formPageHtml({ cspSource: 'vscode-src', nonce: 'N0NCE', scriptUri: 'vscode-src/dist/forms.js', styleUri: 'vscode-src/dist/forms.css', title: '<b>"x"</b>' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-N0NCE';/);
    assert.match(html, /<script nonce="N0NCE" src="vscode-src\/dist\/forms\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="vscode-src\/dist\/forms\.css">/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.match(html, /<title>&lt;b&gt;&quot;x&quot;&lt;\/b&gt;<\/title>/);
    assert.doesNotMatch(html, /<b>/);
  });
});

describe('human questions', () => {
  const schema = { type: 'object', properties: { approved: { type: 'boolean' } }, required: ['approved'] };

  test('an approval carries the tool call, the countdown and the spec', () => {
    const spec = humanFormSpec(
      { kind: 'approval', human: 'ap_manager', node: 'pay', prompt: 'Pay?', input: { a: 1 }, outputSchema: schema, tool: { name: 'bank', args: { x: 1 } }, timeoutMs: 5000 },
      'examples/supervisor-tree.agentgraph',
    );
    assert.deepEqual(spec, {
      title: 'ap_manager: approval needed',
      description: 'Run of examples/supervisor-tree.agentgraph',
      schema,
      submitLabel: 'Send answer',
      human: { kind: 'approval', human: 'ap_manager', node: 'pay', prompt: 'Pay?', input: { a: 1 }, tool: { name: 'bank', args: { x: 1 } }, remainingMs: 5000 },
    });
  });

  test('questions and escalations name their kind; no countdown without a timeout', () => {
    const q = humanFormSpec({ kind: 'node', human: 'lead', node: 'lead', prompt: 'Edit', input: {}, outputSchema: {} });
    assert.equal(q.title, 'lead: answer needed');
    assert.equal(q.human?.remainingMs, undefined);
    assert.equal(q.description, undefined);
    assert.equal(humanFormSpec({ kind: 'escalation', human: 'oncall', node: 'x', prompt: '', input: {}, outputSchema: {} }).title, 'oncall: escalation needed');
    assert.equal(waitingMessage('lead'), 'AgentGraph: lead is waiting for an answer');
  });
});
