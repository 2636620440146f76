// e2e_care.mjs: the family-doctor screens end to end in headless Chromium (Debian's chromium,
// driven by playwright-core): a county user opens 家庭医生工作台, sees the team's worklist with
// reasons, moves a referral on with its button, opens a resident's record and its access log,
// switches to English; then the resident logs in and sees only their own record and who read it.
// Saves screenshots to ARTIFACTS. Exits 0 on success.
// usage: node tests/server/e2e_care.mjs URL USER PASSWORD RESIDENT_USER RESIDENT_PASSWORD ARTIFACTS_DIR OTHER_COUNTY_ID
import { launchBrowser, untilWithin, check } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, user, password, ruser, rpassword, artifacts, otherId] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const problems = [];
const until = untilWithin();

async function login(page, name, pw) {
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('#login-form');
  await page.fill('#username', name);
  await page.fill('#password', pw);
  await page.click('#login-button');
}

const browser = await launchBrowser();
let code = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (401|403|409|503)/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));

  await login(page, user, password);
  await page.waitForSelector('#care-nav');
  check((await page.locator('#care-nav').textContent()) === '家庭医生工作台', 'workbench link in Chinese');
  await page.click('#care-nav');
  await page.waitForSelector('#worklist-table tbody tr');
  await until(page, () => document.getElementById('progress').hidden && document.querySelector('#measures-table tbody tr'));
  const rows = await page.locator('#worklist-table tbody tr').count();
  check(rows >= 2, `worklist of the first team with ${rows} rows`);
  const text = await page.locator('#worklist-table').textContent();
  check(text.includes('测试甲') && text.includes('复查'), 'worklist names the patient and the re-check');
  check(!/\d{17}[\dX]/.test(await page.locator('main').textContent()), 'no full ID number on the page');
  // one page of at most 50 rows, the range in Chinese, the cards counting every row of the list
  const range = await page.locator('#worklist .wl-range').textContent();
  const cardSum = await page.evaluate(() => [...document.querySelectorAll('#care-cards .card .num')].reduce((n, e) => n + Number(e.textContent), 0));
  check(range.startsWith(`显示 1–${rows} / 共 ${cardSum} 条`) && rows <= 50 && cardSum >= rows, `worklist pager: ${range}, cards ${cardSum}`);
  check(await page.locator('#worklist .wl-prev').isDisabled() && (await page.locator('#worklist .wl-next').isDisabled()) === (cardSum <= rows),
    'pager buttons: 上一页 off on the first page, 下一页 only when rows follow');
  check((await page.locator('#measure-cards').textContent()).includes('签约率'), 'care measures shown');
  await page.screenshot({ path: join(artifacts, 'care-worklist.png'), fullPage: true });

  // move a referral on: the accepted one can only become arrived
  const btn = page.locator('#referral-table button[data-to="arrived"]').first();
  check(await btn.count() === 1, 'an accepted referral offers "到诊"');
  await btn.click();
  await page.waitForSelector('#step-dialog'); // a final step: confirmed, with a note
  await page.fill('#step-note', '患者已到院');
  await page.click('#step-confirm');
  await until(page, () => !document.querySelector('#referral-table button[data-to="arrived"]') && document.querySelector('#referral-table button[data-to="completed"]'));
  check(true, 'referral moved to arrived; next offers 诊疗完成');

  // a record outside the county, typed by ID number: refused, with the reason
  await page.fill('#care-find-key', otherId);
  await page.click('#care-find button');
  await page.waitForSelector('#message');
  check((await page.locator('#message').textContent()).includes('不在您的权限范围内'), 'another county\'s resident is refused in Chinese: ' + await page.locator('#message').textContent());
  await page.goBack();
  await page.waitForSelector('#worklist-table tbody tr');

  await page.locator('#worklist-table a.resident-link', { hasText: '测试甲' }).first().click();
  await page.waitForSelector('#resident-record');
  check((await page.locator('#resident-name').textContent()).includes('测试甲'), 'resident record opened');
  check((await page.locator('#resident-chronic').textContent()).includes('2026-01-03'), 'the record shows the next visit (re-check due 2026-01-03)');
  await until(page, () => document.querySelectorAll('#access-log-table tbody tr').length > 0);
  check((await page.locator('#access-log-table').textContent()).includes(user), 'the access log shows this read');
  await page.screenshot({ path: join(artifacts, 'care-resident.png'), fullPage: true });

  await page.click('#lang');
  await until(page, () => document.querySelector('#access-log h2')?.textContent.startsWith('Access log'));
  check(true, 'English switch');
  const record = await page.locator('#resident-record').textContent();
  check(record.includes('male') && record.includes('aged 65+') && !record.includes('老年人'),
        'sex and key groups shown in English: ' + record.replace(/\s+/g, ' ').slice(0, 160));
  await page.screenshot({ path: join(artifacts, 'care-resident-en.png') });
  // logging out while a page is still loading: its late answer must not draw over the login form
  // (the record's read is held back 400 ms, so the race happens on every run)
  await page.route('**/api/v1/care/residents/**', async (r) => { await new Promise((f) => setTimeout(f, 400)); await r.continue().catch(() => {}); });
  await page.click('#lang');
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  await page.waitForTimeout(800);
  check(await page.locator('#login-form').count() === 1 && await page.locator('#care-nav').count() === 0,
        'a page still loading at logout does not draw over the login form');
  await page.unroute('**/api/v1/care/residents/**');

  // the resident: only their own record, and who read it
  await login(page, ruser, rpassword);
  await page.waitForSelector('#resident-record');
  check(await page.evaluate(() => location.hash) === '#/care/resident/me', 'a resident lands on their own record');
  check(await page.locator('#care-nav').count() === 0, 'no workbench for a resident');
  await until(page, () => document.querySelectorAll('#access-log-table tbody tr').length > 0);
  const log = await page.locator('#access-log-table').textContent();
  check(log.includes(user), 'the resident sees that ' + user + ' read the record');
  await page.screenshot({ path: join(artifacts, 'care-resident-self.png'), fullPage: true });
  await page.evaluate(() => { location.hash = '#/area/331100'; });
  await until(page, () => location.hash === '#/care/resident/me');
  check(true, 'a resident cannot open the area pages');
  check(problems.length === 0, 'no console errors or CSP violations: ' + problems.join(' | '));
} catch (e) {
  console.error('E2E FAILED:', e.message, problems.join('\n'));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
