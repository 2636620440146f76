// screenshot.mjs: takes the README's dashboard screenshot (docs/img/dashboard.png): logs in to a
// running `hss serve` and saves the city page at 1366x900 once the map, the findings and the
// facility table are shown and nothing is loading. A documentation tool, not a test.
// usage: node docs/tools/screenshot.mjs URL USER PASSWORD OUT.png   (see docs/testing.md)
import { launchBrowser, untilWithin } from '../../tests/server/browser.mjs';

const [url, user, password, out] = process.argv.slice(2);
const until = untilWithin(30000);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('#login-form', { timeout: 30000 });
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForSelector('#tree a[data-code]', { timeout: 30000 });
  await page.waitForSelector('#map canvas', { timeout: 30000 });
  await until(page, () => Number(document.querySelector('#map')?.dataset.features) > 0);
  await page.waitForSelector('#findings-table, #findings .warn', { timeout: 60000 });
  await page.waitForSelector('#facility-table tbody tr', { timeout: 30000 });
  await until(page, () => document.getElementById('progress').hidden);
  await page.screenshot({ path: out, fullPage: false });
} finally {
  await browser.close();
}
