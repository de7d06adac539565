// Headless Chromium for the browser tests and benchmark: Debian's chromium driven by
// playwright-core (pinned in web/package-lock.json; nothing is downloaded: executablePath).
// playwright-core gives every launch a fresh temporary profile (--user-data-dir) and removes it.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** chromiumPath is $CHROMIUM, else Debian's /usr/bin/chromium; it throws how to install it when missing. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('Chromium is missing: install Debian\'s package (`apt-get install -y chromium` as root), or set CHROMIUM '
      + 'to a Chromium or Chrome executable. `make test-browser` installs it when run as root.');
  }
  return found;
}

/** launch starts headless Chromium, kept off the network apart from what the tests ask for. */
export function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * watch records what a page reports as wrong: console errors, uncaught exceptions, CSP
 * violations (seen by the page itself) and failed requests. check() returns them. allow lists
 * console messages expected, such as Chromium's note of a 4xx answer a test asks for;
 * allowFailed lists requests expected to fail, matched against "METHOD url: error".
 * @param {import('playwright-core').Page} page
 * @param {{allow?: RegExp[], allowFailed?: RegExp[]}} [o]
 */
export async function watch(page, { allow = [], allowFailed = [] } = {}) {
  const problems = [];
  page.on('console', (m) => {
    if (allow.some((re) => re.test(m.text()))) return;
    if (m.type() === 'error' || m.type() === 'warning' && /Content.Security.Policy|Trusted Type/i.test(m.text())) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    const failure = `${r.method()} ${r.url()}: ${why}`;
    if (!/ERR_ABORTED/.test(why) && !allowFailed.some((re) => re.test(failure))) problems.push(`request failed: ${failure}`);
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`);
    });
  });
  return {
    async check() {
      const v = await page.evaluate(() => window.__violations ?? []).catch(() => []);
      return [...problems, ...v.map((x) => `CSP violation: ${x}`)];
    },
  };
}
