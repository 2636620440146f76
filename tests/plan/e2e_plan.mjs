// e2e_plan.mjs: the 规划实施 screen end to end in headless Chromium (playwright-core): a planner
// sees the task list by document with the overdue task in red, opens it (cited sentence, the
// unit's pending report with its file) and accepts the report; compares two saved evaluations
// and turns the newly failing finding into a 整改 item, which the 整改 list then shows; a
// responsible unit's account reports progress: a wrong file type is refused in Chinese, a PDF is
// taken and the report appears. Screenshots go to ARTIFACTS. Exits 0 on success.
// usage: node tests/plan/e2e_plan.mjs URL PLANNER UNIT_USER PASSWORD ARTIFACTS_DIR
import { launchBrowser, untilWithin, check } from '../server/browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, planner, unitUser, password, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const problems = [];
const until = untilWithin();
const browser = await launchBrowser();
let code = 0;

async function login(page, user) {
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('#login-form');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForSelector('#nav-plan');
}

try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (400|401|403)/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));

  // ---- the planner: tasks ----
  await login(page, planner);
  check((await page.locator('#nav-plan').textContent()) === '规划实施', 'navigation offers 规划实施');
  await page.click('#nav-plan');
  await page.waitForSelector('#plan-tasks .task-table tbody tr');
  const rows = await page.locator('.task-table tbody tr').count();
  check(rows === 6, `${rows} tasks (1 city-wide, 5 counties)`);
  check((await page.locator('#plan-tasks h2').first().textContent()) === '《测试文件》', 'grouped by the document, by its title');
  const overdue = page.locator('.task-table tbody tr.overdue');
  check(await overdue.count() === 1, 'one overdue task');
  const red = await overdue.locator('td.late').evaluate((td) => getComputedStyle(td).color);
  check(red === 'rgb(187, 0, 0)', 'its due date is red: ' + red);
  await page.screenshot({ path: join(artifacts, 'plan-tasks.png'), fullPage: true });
  // open it: the sentence, the unit's report, accept
  await overdue.click();
  await page.waitForSelector('#task-quote');
  check((await page.locator('#task-quote').textContent()) === '全市统筹建设', 'the cited sentence');
  const report = page.locator('.report').first();
  check((await report.locator('a.file').textContent()) === '拨付凭证.pdf', 'the evidence file is listed by its name');
  check((await report.locator('[data-badge="review"]').textContent()) === '待审核', 'the report waits for review');
  await report.locator('button.accept').click();
  await until(page, () => document.querySelector('.report [data-badge="review"]')?.textContent === '已通过');
  check(true, 'accepted');
  await page.screenshot({ path: join(artifacts, 'plan-task-detail.png'), fullPage: true });

  // ---- the planner: evaluations ----
  await page.click('#tab-evaluations');
  await page.waitForSelector('#eval-timeline li');
  check(await page.locator('#eval-timeline li').count() === 2, 'two saved evaluations on the timeline');
  await page.waitForSelector('#change-table tbody tr');
  check((await page.locator('#change-cards [data-change="newly_failing"] .num').textContent()) === '1', 'one newly failing finding');
  const row = page.locator('#change-table tbody tr[data-change="newly_failing"]');
  check((await row.locator('td').nth(1).textContent()) === '戊县', 'in 戊县');
  await page.screenshot({ path: join(artifacts, 'plan-evaluations.png'), fullPage: true });
  await row.locator('button.assign').click();
  await page.waitForSelector('#assign-form');
  await page.fill('#assign-form input[name=unit]', '戊县卫生健康局');
  await page.click('#assign-submit');
  await page.waitForSelector('#rect-table tbody tr');
  const items = await page.locator('#rect-table tbody tr[data-status="open"]').count();
  check(items === 2, `${items} open 整改 items (one assigned just now)`);
  check(await page.locator('#rect-table tbody tr', { hasText: '戊县卫生健康局' }).count() === 1, 'the new item names its unit');
  await page.screenshot({ path: join(artifacts, 'plan-rect.png'), fullPage: true });
  // English
  await page.click('#lang');
  await page.waitForSelector('#tab-rect');
  await until(page, () => document.querySelector('#tab-rect')?.textContent === 'Rectification');
  check(true, 'English labels');
  await page.click('#lang');
  await until(page, () => document.querySelector('#tab-rect')?.textContent === '整改事项');
  await page.click('#logout');
  await page.waitForSelector('#login-form');

  // ---- the responsible unit: its own tasks and a report ----
  await login(page, unitUser);
  await page.click('#nav-plan');
  await page.waitForSelector('#plan-mine .task-table tbody tr');
  check(await page.locator('.task-table tbody tr').count() === 1, 'the unit sees its one task');
  await page.locator('.task-table tbody tr').first().click();
  await page.waitForSelector('#report-form');
  const reports = await page.locator('.report').count();
  await page.fill('#report-form textarea[name=narrative]', '第二批资金已拨付');
  await page.setInputFiles('#report-form input[type=file]', { name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is text') });
  await page.click('#report-submit');
  await until(page, () => document.querySelector('#report-message')?.className === 'error');
  const msg = await page.locator('#report-message').textContent();
  check(msg.startsWith('文件类型不符'), 'a text file named .pdf is refused in Chinese: ' + msg);
  await page.setInputFiles('#report-form input[type=file]', { name: '拨付凭证2.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.click('#report-submit');
  await until(page, (n) => document.querySelectorAll('.report').length === n + 1 && !document.querySelector('#report-message')?.textContent, reports);
  check((await page.locator('.report').first().locator('a.file').textContent()) === '拨付凭证2.pdf', 'the new report and its file');
  await page.screenshot({ path: join(artifacts, 'plan-unit-report.png'), fullPage: true });
  check(problems.length === 0, 'no console errors: ' + problems.join(' | '));
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
