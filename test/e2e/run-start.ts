// Starts a run with AgentGraph: Run Graph from the command palette and answers whatever the
// command asks on the way (which graph, where the input comes from, the input itself), until the
// run is under way: the diagram shows a run overlay or a human's form opens.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, sleep, type Workbench } from './harness.ts';
import { frameWith } from './run-helpers.ts';

export interface RunRequest {
  graph: string;
  /** Workspace-relative JSON file with the graph's input (the examples folder is the workspace). */
  inputFile: string;
}

/** Whether some webview shows `selector` right now. */
async function shows(wb: Workbench, selector: string, text?: RegExp): Promise<boolean> {
  return frameWith(wb.page, selector, { timeout: 0, ...(text ? { text } : {}) }).then(
    () => true,
    () => false,
  );
}

export async function startRun(wb: Workbench, title: string, req: RunRequest, timeout = 120_000): Promise<void> {
  const page = wb.page;
  const json = readFileSync(path.join(ROOT, 'examples', req.inputFile), 'utf8').trim();
  await wb.command(title);
  const t0 = Date.now();
  const seen: string[] = [];
  for (;;) {
    if ((await shows(wb, 'svg g.ag-run-node')) || (await shows(wb, '.ag-human .ag-prompt'))) return;
    if (await wb.quickInput.isVisible().catch(() => false)) {
      const rows = page.locator('.quick-input-list .monaco-list-row');
      const texts = (await rows.allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\s+/g, ' ').trim());
      const head = (await page.locator('.quick-input-widget .quick-input-title, .quick-input-widget .quick-input-message').allInnerTexts().catch(() => [] as string[])).join(' ');
      const value = await wb.quickInput.inputValue().catch(() => '');
      const note = `${head} [${texts.join(' | ')}]`;
      if (seen[seen.length - 1] !== note) seen.push(note);
      const pickRow = async (re: RegExp) => {
        const i = texts.findIndex((t) => re.test(t));
        if (i < 0) return false;
        await rows.nth(i).click();
        await sleep(500);
        return true;
      };
      if (texts.length > 0) {
        // Which graph, then where the input comes from: the named file, else "a file…".
        if (await pickRow(new RegExp(`^${req.graph}\\b`))) continue;
        // The provider, asked once OpenAI is set up (client/src/run/provider-pick.ts): simulated.
        if (await pickRow(/^Simulated(?! with)/)) continue;
        if (await pickRow(new RegExp(req.inputFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))) continue;
        if (await pickRow(/file/i)) continue;
      } else if (/\.json|file|folder/i.test(head) || value.startsWith('/')) {
        // The simple file dialog (files.simpleDialog.enable): type the file's path.
        const dir = value.endsWith('/') ? value : value.slice(0, value.lastIndexOf('/') + 1);
        if (!value.endsWith(req.inputFile)) {
          await wb.quickInput.fill(`${dir}${req.inputFile}`);
          await sleep(500);
        }
        await page.keyboard.press('Enter');
        await sleep(800);
        continue;
      } else if (/input|json/i.test(head) || value.startsWith('{')) {
        await wb.quickInput.fill(json);
        await page.keyboard.press('Enter');
        await sleep(800);
        continue;
      }
    } else if (await shows(wb, '.ag-title', /^Input for/)) {
      // The input as a form (client/src/forms): give it the file's JSON. (A human's question is a
      // form too, titled "<human>: answer needed": that one means the run is under way.)
      const form = await frameWith(page, '.ag-title', { text: /^Input for/, timeout: 5_000 });
      await form.locator('vscode-button.ag-json-toggle').click();
      const area = form.locator('.ag-whole-json textarea').first();
      await area.fill(json);
      await form.locator('vscode-button.ag-submit').click();
      await sleep(800);
      continue;
    }
    if (Date.now() - t0 > timeout) throw new Error(`the run did not start within ${Math.round(timeout / 1000)} s; the command asked: ${seen.join(' → ') || 'nothing'}`);
    await sleep(500);
  }
}
