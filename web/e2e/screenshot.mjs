// Takes the README's picture of the playground (docs/playground.png): a wrangler dev of its own,
// two records created through the page, then Graph's "Add used" example with a mistake typed
// into the form, so that the picture shows problems, a response, records and history.
//
//   cd web && npm run screenshot [-- out.png] [-- --dark]

import { fileURLToPath } from 'node:url';
import { startWrangler } from './harness.mjs';
import { launch } from './browser.mjs';

const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../docs/playground.png', import.meta.url));
const dark = process.argv.includes('--dark');
const server = await startWrangler();
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: dark ? 'dark' : 'light' });
  const page = await context.newPage();
  await page.goto(`${server.base}/`);
  await page.waitForFunction(() => window.usedInsight);
  await page.locator('#token-status').getByText('Token for').waitFor();
  const send = async (status) => {
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText(status).waitFor();
  };
  await page.getByLabel('Samples').selectOption('complete');
  await page.getByLabel('id', { exact: true }).fill('');
  await send('201 Created');
  await page.getByLabel('Samples').selectOption('minimal');
  await page.getByLabel('resourceVisualization.title', { exact: true }).fill('Q3 budget review');
  await page.getByLabel('resourceVisualization.type', { exact: true }).fill('Excel');
  await page.getByLabel('resourceVisualization.containerDisplayName', { exact: true }).fill('Finance');
  await send('201 Created');
  await page.locator('#records tr').nth(1).waitFor();
  await page.getByLabel('Samples').selectOption('seed');
  await page.getByLabel('lastUsed.lastAccessedDateTime', { exact: true }).fill('2016-12-31 23:58');
  await page.getByRole('region', { name: 'Problems' }).locator('li.error').first().waitFor();
  await page.locator('#editor .cm-content').click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
