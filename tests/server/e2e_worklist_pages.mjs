// e2e_worklist_pages.mjs: a team's worklist longer than one page in headless Chromium. The doctor
// sees rows 1-50 of the total, moves to the second page (the remaining rows, none of the first
// page's), where 下一页 is disabled, and back to the first. Every wait waits for the range it then reads.
// usage: node tests/server/e2e_worklist_pages.mjs URL ARTIFACTS_DIR
import { launchBrowser, untilWithin, check } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const until = untilWithin();
const problems = [];
const browser = await launchBrowser();
let code = 0;
// the rows shown, as resident/action keys, and the range line above them
const rows = (page) => page.evaluate(() => [...document.querySelectorAll('#worklist-table tbody tr')].map((r) => `${r.dataset.resident}/${r.dataset.action}/${r.dataset.disease}`));
const range = (page) => page.evaluate(() => document.querySelector('.wl-range')?.textContent || '');
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(String(e)));
  // the screen asks who is logged in before the login (401): not a problem
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text()); });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#login-form');
  await page.fill('#username', 'doc');
  await page.fill('#password', 'doc-pass-1');
  await page.click('#login-button');
  await page.waitForSelector('#care-nav');
  await page.click('#care-nav');
  await until(page, () => /显示 1–50 \/ 共 \d+ 条/.test(document.querySelector('.wl-range')?.textContent || '') &&
    document.querySelectorAll('#worklist-table tbody tr').length === 50);
  const total = Number((await range(page)).match(/共 (\d+) 条/)[1]);
  check(total > 50 && total <= 100, `the list runs to a second page: ${await range(page)}`);
  const first = await rows(page);
  check(new Set(first).size === 50, 'the first page shows 50 rows');
  check(await page.locator('.wl-prev').isDisabled(), '上一页 is disabled on the first page');
  await page.click('.wl-next');
  await until(page, (n) => (document.querySelector('.wl-range')?.textContent || '').startsWith(`显示 51–${n}`) &&
    document.querySelectorAll('#worklist-table tbody tr').length === n - 50, total);
  const second = await rows(page);
  check(second.length === total - 50, `the second page shows the other ${total - 50} rows: ${await range(page)}`);
  check(second.every((k) => !first.includes(k)), 'no row of the first page is on the second');
  check(await page.locator('.wl-next').isDisabled(), '下一页 is disabled on the last page');
  await page.screenshot({ path: join(artifacts, 'worklist-page-2.png'), fullPage: true });
  await page.click('.wl-prev');
  await until(page, () => (document.querySelector('.wl-range')?.textContent || '').startsWith('显示 1–50') &&
    document.querySelectorAll('#worklist-table tbody tr').length === 50);
  check(JSON.stringify(await rows(page)) === JSON.stringify(first), 'back on the first page: the same rows in the same order');
  await context.close();
  check(problems.length === 0, 'no page errors: ' + problems.join(' | '));
} catch (e) {
  console.error('E2E FAILED:', e.message, problems.join(' | '));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
