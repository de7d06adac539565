// What the browser tests of the playground share: opening the page in a context of its own
// that must report nothing wrong, and reading and replacing the editor's text.

import assert from 'node:assert/strict';
import { watch } from './browser.mjs';

/**
 * opener returns open, bound to the test file's browser and wrangler dev (asked for when a test
 * runs): open gives a test a new browser context (its own storage and cache) with the page loaded and
 * its WebAssembly ready (prepare(page) runs before it loads); at the end of the test, the page must
 * have reported nothing wrong.
 */
export const opener = (browser, server) => async function open(t, { path = '/', permissions = [], ready = true, allowStatus = [], base = server().base, prepare = async () => {} } = {}) {
  // Chromium logs every 4xx answer as a console error; a test that asks for one says which.
  const allow = allowStatus.map((s) => new RegExp(`^Failed to load resource: the server responded with a status of ${s}\\b`));
  for (let attempt = 1; ; attempt++) {
    const context = await browser().newContext({ viewport: { width: 1440, height: 1000 }, permissions });
    const page = await context.newPage();
    const watcher = await watch(page, { allow });
    await prepare(page); // before the page loads: routes, init scripts
    // Requests not answered yet, to say which when the page does not get ready.
    const pending = new Set();
    page.on('request', (r) => pending.add(r));
    for (const e of ['requestfinished', 'requestfailed']) page.on(e, (r) => pending.delete(r));
    try {
      const response = await page.goto(base + path, { waitUntil: 'domcontentloaded', timeout: 20000 });
      if (ready) {
        await page.waitForFunction(() => window.usedInsight && performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 20000 });
      }
      t.after(async () => {
        const problems = await watcher.check();
        await context.close();
        assert.deepEqual(problems, [], 'the page reported problems');
      });
      return { page, response, context };
    } catch (e) {
      const stuck = await Promise.all([...pending].map(async (r) => {
        const res = await Promise.race([r.response(), new Promise((ok) => setTimeout(() => ok(undefined), 500))]);
        return `${r.method()} ${r.url()} (${res ? `headers came: ${res.status()} ${res.headers()['content-encoding'] ?? ''}, body did not end` : 'no answer'})`;
      }));
      const report = `the page did not get ready (${e.message.split('\n')[0]}); requests not answered: ${stuck.join(', ') || 'none'}; `
        + `the page reported: ${JSON.stringify(await watcher.check())}`;
      await context.close();
      if (attempt === 2) {
        throw new Error(`${report}\nwrangler dev output:\n${server().output().slice(-4000)}`);
      }
      // Seen about once in five runs of this file on a loaded machine: one static file's
      // response from wrangler dev never ends, and the page never runs. Say so, and load the
      // page once more in a new context (new connections).
      console.error(`# ${t.name}: ${report}; loading it again in a new context`);
    }
  }
};

// The editor's text, line by line as CodeMirror shows it (documents here are short enough to be
// drawn whole).
export const editorText = (page) => page.locator('#editor .cm-line').evaluateAll((lines) => lines.map((l) => l.textContent).join('\n'));

// replaceText puts text in the editor as a paste would (one input, not keystrokes).
export async function replaceText(page, text) {
  await page.locator('#editor .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.insertText(text);
}

/** waitNoProblems waits until the problems list says there are none, and the editor marks none. */
export async function waitNoProblems(page) {
  await assert.doesNotReject(page.getByRole('region', { name: 'Problems' }).getByText('No problems').waitFor());
  assert.equal(await page.locator('#editor .cm-lintRange-error, #editor .cm-lintRange-warning').count(), 0);
}

/**
 * formValue returns the value of the form field labelled label once it is want, or whatever it
 * is after five seconds: the form follows the JSON when typing pauses, not on every keystroke.
 */
export async function formValue(page, label, want) {
  const field = page.getByLabel(label, { exact: true });
  for (const end = Date.now() + 5000; ;) {
    const v = await field.inputValue();
    if (v === want || Date.now() > end) return v;
    await page.waitForTimeout(50);
  }
}

/**
 * formText returns the text of a form element (a field's message, a count) once it matches want
 * (a string or a RegExp), or whatever it is after five seconds: the form follows the JSON when
 * typing pauses.
 */
export async function formText(locator, want) {
  const ok = (v) => (want instanceof RegExp ? want.test(v) : v === want);
  for (const end = Date.now() + 5000; ;) {
    const v = await locator.textContent();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}
