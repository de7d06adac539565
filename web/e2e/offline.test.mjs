// Browser end-to-end tests of offline use and of the diagnostics following each keystroke:
// headless Chromium against the page served by a `wrangler dev` of its own (e2e/harness.mjs).
// - After one visit the service worker (sw.js) has stored the page, its code and the module of
//   one build; offline, the page loads from it, validates, and says what works offline.
// - A new build (another sw-version.js) is picked up on the next visit: its cache replaces the
//   older one, which is deleted, and the page says a new version was installed.
// - Typing shows the new problems within the next frames, without waiting for a pause.
//
// Run by `make test-browser`; directly: `cd web && node --test e2e/offline.test.mjs`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startWrangler } from './harness.mjs';
import { launch, watch } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await startWrangler();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const ready = (page) => page.waitForFunction(() => window.usedInsight && performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 30000 });
const cacheNames = (page) => page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('usedinsight-')));

// controlled waits until the page is controlled by an activated worker whose cache holds version.
async function controlled(page, version) {
  await until(page, async (v) => {
    const reg = await navigator.serviceWorker.getRegistration();
    return reg?.active?.state === 'activated' && (await caches.keys()).includes(`usedinsight-${v}`);
  }, version);
}

// until evaluates the async fn in the page until it returns true.
async function until(page, fn, arg, timeout = 30000) {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(fn, arg))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function versionOf() {
  return /self\.VERSION = '([0-9a-f]+)'/.exec(await readFile(join(server.assets, 'sw-version.js'), 'utf8'))[1];
}

describe('offline', () => {
  it('loads and validates offline after one visit, and says what works', async (t) => {
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    t.after(() => context.close());
    const page = await context.newPage();
    // Offline, the records view's request fails (the page says so): expected.
    const watcher = await watch(page, { allow: [/ERR_INTERNET_DISCONNECTED/], allowFailed: [/ERR_INTERNET_DISCONNECTED/] });
    await page.goto(`${server.base}/`);
    await ready(page);
    const version = await versionOf();
    await controlled(page, version);
    assert.equal(await page.locator('#offline-note').isHidden(), true, 'online: no note');

    await context.setOffline(true);
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true, 'served by the worker');
    await page.locator('#offline-note').waitFor({ state: 'visible' });
    const note = await page.locator('#offline-note').textContent();
    assert.match(note, /Offline/);
    assert.match(note, /validate, build, format and snippets still work/);
    assert.match(note, /Send and the records need the network/);
    // The validator works: a payload with a problem shows it, offline.
    const report = await page.evaluate(() => window.usedInsight.validate('{"lastUsed":{"lastAccessedDateTime":"yesterday"},"resourceReference":{"id":"x"}}'));
    assert.equal(report.valid, false);
    await page.locator('#editor .cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete'); // (replacing a selection with insertText makes Chromium add a styled span)
    await page.keyboard.insertText('{"lastUsed": {"lastAccessedDateTime": "yesterday"}, "resourceReference": {"id": "x"}}');
    await page.locator('#problems-list li.error').first().waitFor();
    assert.match(await page.locator('#problems-list').textContent(), /lastAccessedDateTime/);
    await context.setOffline(false);
    await page.locator('#offline-note').waitFor({ state: 'hidden' });
    assert.deepEqual(await watcher.check(), []);
  });

  it('replaces the stored copy of an older version on the next visit', async (t) => {
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    t.after(() => context.close());
    const page = await context.newPage();
    const watcher = await watch(page);
    await page.goto(`${server.base}/`);
    await ready(page);
    const old = await versionOf();
    await controlled(page, old);
    assert.deepEqual(await cacheNames(page), [`usedinsight-${old}`]);

    // A new build: another version of the same files (a changed file would change it likewise).
    const file = join(server.assets, 'sw-version.js');
    const text = await readFile(file, 'utf8');
    const next = 'feedfacefeedface';
    await writeFile(file, text.replace(old, next));
    t.after(() => writeFile(file, text));
    await new Promise((r) => setTimeout(r, 1500)); // wrangler dev picks up the change

    // First visit after the deploy: served by the old version, which finds the new one,
    // installs it and hands over; the page says a new version is ready.
    await page.reload();
    await ready(page);
    await controlled(page, next);
    await page.locator('#offline-note').waitFor({ state: 'visible' });
    assert.match(await page.locator('#offline-note').textContent(), /new version/);
    // Next visit: the new version's files, and the older copy gone.
    await page.reload();
    await ready(page);
    await until(page, async (n) => {
      const names = (await caches.keys()).filter((x) => x.startsWith('usedinsight-'));
      return names.length === 1 && names[0] === `usedinsight-${n}`;
    }, next);
    const served = await page.evaluate(async () => {
      const res = await fetch('insight.wasm');
      return res.headers.get('X-Playground-Version');
    });
    assert.equal(served, next, 'the page\'s files come from the new version\'s cache');
    assert.deepEqual(await watcher.check(), []);
  });
});

describe('diagnostics while typing', () => {
  it('updates the problems list within the next frames after a key, without waiting for a pause', async (t) => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    t.after(() => context.close());
    const page = await context.newPage();
    const watcher = await watch(page);
    await page.goto(`${server.base}/`);
    await ready(page);
    await page.locator('#editor .cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete'); // (replacing a selection with insertText makes Chromium add a styled span)
    await page.keyboard.insertText('{"lastUsed": {"lastAccessedDateTime": "2016-12-31T23:58:50Z"}, "resourceVisualization": {}, "resourceReference": {"id": "x"}}');
    await page.waitForFunction(() => document.getElementById('problems').dataset.state !== 'error');
    // A key that breaks the date: the list shows the error before two frames have passed,
    // while the form (which follows when typing pauses) has not caught up yet.
    await page.keyboard.press('ControlOrMeta+Home');
    for (let i = 0; i < 42; i++) await page.keyboard.press('ArrowRight'); // inside the date
    await page.evaluate(() => {
      window.__frames = null;
      window.addEventListener('keydown', () => {
        let frames = 0;
        const tick = () => {
          frames++;
          if (document.getElementById('problems').dataset.state === 'error') window.__frames = frames;
          else if (frames < 10) requestAnimationFrame(tick);
        };
        // Checked at the first and second frames after the key (and later, to report).
        requestAnimationFrame(tick);
      }, { once: true, capture: true });
    });
    await page.keyboard.press('x');
    await page.waitForFunction(() => window.__frames !== null, null, { timeout: 5000 });
    const frames = await page.evaluate(() => window.__frames);
    assert.ok(frames <= 2, `problems shown ${frames} frames after the key`);
    assert.match(await page.locator('#problems-list').textContent(), /lastAccessedDateTime/);
    assert.deepEqual(await watcher.check(), []);
  });
});
