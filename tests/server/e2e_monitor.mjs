// e2e_monitor.mjs: the two monitoring screens end to end in headless Chromium (Debian's chromium,
// driven by playwright-core): 监测指标 (cards with status colours, the 24-month trend chart, the
// drill-down sorted by impact, drilling into a township) and 预警处置 (list, filters, detail with
// the sources' series chart, an action with a note that lands in the history), then English.
// Saves screenshots to ARTIFACTS. Exits 0 on success.
// usage: node tests/server/e2e_monitor.mjs URL USER PASSWORD COUNTY_CODE ARTIFACTS_DIR
import { launchBrowser, untilWithin, check, collectProblems, logIn } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, user, password, county, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const problems = [];
const until = untilWithin();

const browser = await launchBrowser();
let code = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  collectProblems(page, problems, /status of (401|503)/);

  await logIn(page, url, user, password);
  await page.waitForSelector('#nav-indicators');
  check((await page.locator('#nav-indicators').textContent()) === '监测指标', 'navigation offers 监测指标');

  // ---- 监测指标 ----
  await page.click('#nav-indicators');
  await page.waitForSelector('#ind-cards .card');
  await page.waitForSelector('#ind-trend canvas');
  await until(page, () => Number(document.querySelector('#ind-trend')?.dataset.points) > 0);
  await page.waitForSelector('#drill-table tbody tr');
  const cards = await page.locator('#ind-cards .card').count();
  const failing = await page.locator('#ind-cards .card.st-fail').count();
  check(cards >= 3, `${cards} indicator cards, ${failing} failing their target`);
  const points = Number(await page.getAttribute('#ind-trend', 'data-points'));
  check(points === 24, 'trend chart over 24 months');
  // every value says where it comes from: this test region holds no records, so monthly reports
  const notes = await page.$$eval('#ind-cards .card .source', (els) => els.map((e) => e.textContent));
  check(notes.length > 0 && notes.every((t) => t.startsWith('来自')), `${notes.length} cards say their source: ${notes[0]}`);
  const rows = await page.locator('#drill-table tbody tr').count();
  check(rows > 1, `drill-down table with ${rows - 1} child areas and facilities`);
  // sorted by impact: the numbers in the last column ascend
  const impacts = await page.$$eval('#drill-table tbody tr td.impact', (tds) => tds.map((td) => parseFloat(td.textContent.trim())).filter((x) => !Number.isNaN(x)));
  check(impacts.every((v, i) => i === 0 || v >= impacts[i - 1] - 1e-9), 'drill-down sorted by impact: ' + impacts.slice(0, 4).join(', '));
  await page.screenshot({ path: join(artifacts, 'monitor-indicators.png'), fullPage: true });
  await page.locator('#ind-drill').screenshot({ path: join(artifacts, 'monitor-indicators-drill.png') });
  // drill into the first township of the table
  const town = page.locator('#drill-table tbody tr a[href^="#/indicators/"]').first();
  check(await town.count() > 0, 'the drill-down links to its townships');
  const href = await town.getAttribute('href');
  await town.click();
  await until(page, (h) => location.hash === h, href);
  const townCode = href.replace(/^#\/indicators\//, '').replace(/\?.*$/, '');
  await until(page, (c) => document.querySelector('#ind-drill')?.dataset.area === c && !!document.querySelector('#drill-table tbody tr'), townCode);
  check(true, 'drilled into ' + href);
  // choose another indicator: the page follows
  const second = await page.getAttribute('#ind-cards .card:nth-child(2)', 'data-indicator');
  await page.click('#ind-cards .card:nth-child(2)');
  await until(page, (i) => document.querySelector('#ind-drill')?.dataset.indicator === i
    && document.querySelector('#ind-cards .card.selected')?.dataset.indicator === i, second);
  check(true, 'selecting a card switches the trend and drill-down');

  // ---- 预警处置 ----
  await page.click('#nav-alerts');
  await page.waitForSelector('#alert-table tbody tr');
  const alerts = await page.locator('#alert-table tbody tr').count();
  check(alerts > 0, `${alerts} alerts listed`);
  // work on the first open alert: a new one if there is one, else an assigned, else an investigating one
  const countOf = async (s) => Number(((await page.locator(`#alert-status option[value="${s}"]`).textContent()).match(/\((\d+)\)/) || [0, 0])[1]);
  const steps = [['new', 'assign', 'investigate'], ['assigned', 'investigate', 'confirm'], ['investigating', 'confirm', null]];
  let pick = null;
  for (const st of steps) if (!pick && (await countOf(st[0])) > 0) pick = st;
  check(pick !== null, 'an open alert (new, assigned or investigating) to work on');
  const [status, action, next] = pick;
  await page.selectOption('#alert-status', status);
  await until(page, (s) => location.hash.includes('status=' + s), status);
  // the list that is shown must be the filtered one, not the page before the filter
  await until(page, (s) => document.querySelector('#alert-table')?.dataset.status === s && !!document.querySelector('#alert-table tbody tr'), status);
  const picked = await page.getAttribute('#alert-table tbody tr:first-child', 'data-id');
  await page.click('#alert-table tbody tr:first-child');
  await until(page, (id) => location.hash.includes('id=' + id) && document.querySelector('#alert-table tbody tr.selected')?.dataset.id === id, picked);
  await page.waitForSelector('#alert-series canvas');
  await until(page, () => Number(document.querySelector('#alert-series')?.dataset.series) > 0);
  check(true, 'alert detail with the series of ' + (await page.getAttribute('#alert-series', 'data-series')) + ' sources');
  const before = await page.locator('#alert-history tbody tr').count();
  await page.fill('#action-note', '值班人员已接收，联系乡镇卫生院核实');
  await page.click(`button[data-action="${action}"]`);
  await until(page, (n) => document.querySelectorAll('#alert-history tbody tr').length === n + 1, before);
  const last = await page.locator('#alert-history tbody tr:last-child').textContent();
  check(last.includes(user) && last.includes('联系乡镇卫生院核实'), `${action}: the action and its note are in the history: ` + last);
  if (next) check(await page.locator(`button[data-action="${next}"]`).count() === 1, 'next allowed action offered: ' + next);
  else check(await page.locator('button[data-action]').count() === 0, 'a closed alert offers no action');
  await page.screenshot({ path: join(artifacts, 'monitor-alerts.png'), fullPage: true });

  // ---- English ----
  await page.click('#lang');
  await until(page, () => (document.querySelector('h1')?.textContent || '').startsWith('Alert triage'));
  await page.waitForSelector('#alert-series canvas');
  check(true, 'alerts screen in English');
  await page.screenshot({ path: join(artifacts, 'monitor-alerts-en.png'), fullPage: true });
  await page.click('#nav-indicators');
  await until(page, () => (document.querySelector('h1')?.textContent || '').startsWith('Monitoring indicators'));
  await page.waitForSelector('#ind-trend canvas');
  check(true, 'indicators screen in English');
  await page.waitForSelector('#ind-cards .card');
  const label = await page.locator('#ind-cards .card .label').first().textContent();
  check(/^[ -~]+$/.test(label), 'indicator names in English: ' + label);
  await page.screenshot({ path: join(artifacts, 'monitor-indicators-en.png'), fullPage: true });
  await page.click('#lang'); // leave the browser profile in Chinese

  if (problems.length) throw new Error('page problems: ' + problems.join(' | '));
  check(true, 'no console errors');
} catch (e) {
  console.error('FAIL:', e.message);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
