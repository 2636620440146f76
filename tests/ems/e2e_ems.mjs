// e2e_ems.mjs: the 120 screen in headless Chromium: log in, open 120急救 from the nav, read the
// units with their states, the measured response times by area against 11 / 14 minutes and by
// month, the station map; take two ambulances out of service through the state selects and see
// the table and the map follow; no English on the Chinese screen; switch to English.
// usage: node tests/ems/e2e_ems.mjs URL USER PASSWORD ARTIFACTS_DIR
import { launchBrowser, untilWithin, check } from '../server/browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, user, password, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const problems = [];
const until = untilWithin();

const browser = await launchBrowser();
let code = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));

  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('#login-form');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForSelector('#nav-ems');
  check((await page.locator('#nav-ems').textContent()) === '120急救', 'nav link 120急救');
  await page.click('#nav-ems');
  await until(page, () => document.querySelectorAll('#ems-units tbody tr').length === 3);
  const states = await page.locator('#ems-units .ems-state').allTextContents();
  check(states.join(',') === '待命,待命,待命', 'three units, all 待命: ' + states.join(','));
  const crew = await page.locator('#ems-units tr[data-unit="A2"] td').nth(4).textContent();
  check(crew === '未达标', 'A2 (one aide) is short of the crew standard');

  // measured times against the targets
  const urban = '#ems-perf tr[data-area="331102"][data-kind="urban"]';
  await until(page, (s) => document.querySelector(s + ' .mean')?.textContent === '10.5', urban);
  check((await page.locator(urban + ' .meets').textContent()) === '达标', '莲都区 urban 10.5 min meets <11');
  const rural = '#ems-perf tr[data-area="331121"][data-kind="rural"]';
  check((await page.locator(rural + ' .mean').textContent()) === '18', '青田县 rural mean 18 min');
  check((await page.locator(rural + ' .meets').textContent()) === '未达标', '青田县 rural misses <14');
  check(await page.locator('#ems-months tr[data-area="2025-03"]').count() === 3, 'March 2025: urban, rural, all');
  check((await page.getAttribute('#ems-map', 'data-stations')) === '2', 'two stations on the map');
  check((await page.getAttribute('#ems-map', 'data-free')) === '2', 'both have a free unit');
  const text = await page.locator('main').textContent();
  check(!/\b(available|urban|rural|ambulance|minutes)\b/.test(text), 'no English words on the Chinese screen');
  await page.screenshot({ path: join(artifacts, 'ems-zh.png'), fullPage: true });

  // a dispatcher takes A2, then A1, out of service
  await page.selectOption('select[data-unit="A2"]', 'out_of_service');
  await until(page, () => document.querySelector('#ems-units tr[data-unit="A2"] .ems-state')?.textContent === '停用');
  check((await page.getAttribute('#ems-map', 'data-free')) === '2', 'E0 still has A1 free');
  await page.selectOption('select[data-unit="A1"]', 'out_of_service');
  await until(page, () => document.querySelector('#ems-units tr[data-unit="A1"] .ems-state')?.textContent === '停用');
  check((await page.getAttribute('#ems-map', 'data-free')) === '1', 'only E10 has a free unit now');

  // a simulated year (21,000 residents at 20 per 1,000) and the ambulance plan
  await page.click('#ems-sim-run');
  await until(page, () => Number(document.querySelector('#ems-sim-result')?.dataset.calls || 0) > 0);
  const sim = await page.locator('#ems-sim-result').textContent();
  check(sim.includes('平均反应') && sim.includes('默认值'), 'simulation result with its defaults stated: ' + sim);
  await page.click('#ems-plan-run');
  await until(page, () => document.querySelectorAll('#ems-plan tbody tr').length === 3);
  const first = await page.locator('#ems-plan tbody tr:first-child .site').textContent();
  check(first === '青田急救中心', 'the first ambulance goes to 青田急救中心 (it covers 19 of 21 villages): ' + first);
  await page.screenshot({ path: join(artifacts, 'ems-plan.png'), fullPage: true });

  await page.click('#lang');
  await until(page, () => document.querySelector('#ems-title')?.textContent === '120 EMS');
  await until(page, () => document.querySelector('#ems-units tr[data-unit="A1"] .ems-state')?.textContent === 'out of service');
  check(true, 'English: states in English');
  await page.screenshot({ path: join(artifacts, 'ems-en.png'), fullPage: true });
  check(problems.length === 0, 'no console errors: ' + problems.join(' | '));
} catch (e) {
  console.error(String(e.stack || e));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
