// Takes the README's pictures of the playground, served by a wrangler dev of its own:
// - docs/playground.png, the page down to its panels: two records created through the page,
//   then Graph's "Add used" example with a mistake typed into the form, so that it shows
//   problems, a response, records and history; taken with the network gone, so that the page
//   says what still works offline;
// - docs/import.png, the "Import from Microsoft Graph" panel after an import from a local
//   stand-in for Graph (fake-graph.mjs): its progress, counts and summary, with the two invalid
//   items it lists.
//
//   cd web && npm run screenshot [-- dir] [-- --dark]

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startWrangler } from './harness.mjs';
import { launch } from './browser.mjs';
import { fakeGraph, graphSamples, items, jwt } from './fake-graph.mjs';

const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../docs/', import.meta.url));
const dark = process.argv.includes('--dark');
const graphToken = jwt({ aud: 'https://graph.microsoft.com', scp: 'Sites.Read.All', upn: 'megan@contoso.com' });
const samples = await graphSamples();
const data = { used: items(samples.used, 23, 'u'), trending: items(samples.trending, 3, 't'), shared: items(samples.shared, 3, 's') };
data.used[7].lastUsed.lastAccessedDateTime = '2020-02-30T25:61:00Z';
data.used[15].id = 'has a space';
const graph = await fakeGraph({ token: graphToken, data });
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
  await context.setOffline(true);
  await page.locator('#offline-note').getByText('Offline:').waitFor();
  await page.waitForTimeout(300);
  // Down to the foot of the panels: the import panel has a picture of its own.
  const foot = await page.locator('main.workspace').evaluate((m) => m.getBoundingClientRect().bottom + window.scrollY + 12);
  await page.screenshot({ path: join(dir, 'playground.png'), fullPage: true, clip: { x: 0, y: 0, width: 1440, height: Math.ceil(foot) } });
  console.log(`wrote ${join(dir, 'playground.png')}`);

  await context.setOffline(false);
  const panel = page.getByRole('region', { name: 'Import from Microsoft Graph' });
  await panel.getByLabel('Graph token').fill(graphToken);
  await panel.getByLabel('Graph base URL').fill(graph.base());
  for (const c of ['used', 'trending', 'shared']) await panel.getByRole('checkbox', { name: c, exact: true }).check();
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await panel.locator('#import-status[data-state="done"]').waitFor({ timeout: 60000 });
  await page.mouse.move(0, 0);
  await panel.screenshot({ path: join(dir, 'import.png') });
  console.log(`wrote ${join(dir, 'import.png')}`);
} finally {
  await browser.close();
  await server.stop();
  await graph.close();
}
