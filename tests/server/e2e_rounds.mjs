// e2e_rounds.mjs: the mobile-clinic rounds screen in headless Chromium (Debian's chromium, driven
// by playwright-core): log in, open 巡回诊疗 for the city, read the cards and the map (villages
// served and not, the round's line on its weekday and none on another), read a village's
// schedule as its residents would, check that no code or English word shows in Chinese, switch
// to English, and check the phone layout (390 x 844: one column, no sideways scroll, 44 px
// controls). Saves screenshots to ARTIFACTS. Exits 0 on success.
// usage: node tests/server/e2e_rounds.mjs URL USER PASSWORD COUNTY_CODE ARTIFACTS_DIR
import { launchBrowser, untilWithin, check, collectProblems, logIn } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, user, password, county, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const problems = [];
const until = untilWithin();

async function login(page) {
  await logIn(page, url, user, password);
  await page.waitForSelector('#nav-rounds', { state: 'attached' }); /* folded away on a phone */
}

const browser = await launchBrowser();
let code = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  collectProblems(page, problems, /status of 401/); /* /me before login */
  await login(page);

  // the city: 21 villages, 18 served, 3 nobody serves, one round
  await page.click('#nav-rounds');
  await until(page, () => document.querySelector('#rounds-map')?.dataset.unserved !== undefined);
  check(await page.locator('#rounds-title').textContent().then((s) => s.includes('巡回诊疗')), 'title 巡回诊疗');
  check(await page.locator('#rounds-unserved .num').textContent() === '3', 'three villages not served');
  check(await page.locator('#rounds-served .num').textContent() === '18', 'eighteen served');
  check(await page.getAttribute('#rounds-map', 'data-unserved') === '3', 'map: three unserved villages drawn');
  check(await page.getAttribute('#rounds-map', 'data-lines') === '1', 'map: the one round drawn (all days)');
  check((await page.locator('#unserved').textContent()).includes('村4'), 'unserved list names 村4');
  const main = await page.locator('main').innerText();
  const leak = main.replace(/浙K-001/g, '').match(/R1|331121|[A-Za-z]{3,}/);
  check(!leak, 'no code or English word on the Chinese screen' + (leak ? ': ' + leak[0] : ''));
  await page.screenshot({ path: join(artifacts, 'rounds-city.png') });

  // Monday: the round runs; Tuesday: it does not
  await page.selectOption('#rounds-day', '1');
  await until(page, () => location.hash.endsWith('?day=1') && document.querySelector('#rounds-map')?.dataset.day === '1'
    && document.querySelector('#rounds-map').dataset.lines === '1');
  check((await page.locator('#rounds-list').textContent()).includes('村19 → 村20'), 'Monday: 村19 → 村20');
  await page.selectOption('#rounds-day', '2');
  await until(page, () => location.hash.endsWith('?day=2') && document.querySelector('#rounds-map')?.dataset.day === '2'
    && document.querySelector('#rounds-map').dataset.lines === '0');
  check(await page.locator('#rounds-none').isVisible(), 'Tuesday: no round');

  // the residents' view: 村19's next visits with time and place
  await page.selectOption('#schedule-village', '331121001020');
  await until(page, () => document.querySelectorAll('#schedule-list li').length > 0);
  const sched = await page.locator('#schedule-list').textContent();
  check(/08:54–09:54/.test(sched) && sched.includes('村文化礼堂') && sched.includes('鹤城卫生院'), 'schedule: 08:54–09:54 at 村文化礼堂 from 鹤城卫生院');
  await page.screenshot({ path: join(artifacts, 'rounds-schedule.png') });

  // the county of the round, then English
  await page.click(`#tree a[data-code="${county}"]`);
  await until(page, (c) => location.hash === '#/rounds/' + c && document.querySelector('#rounds-unserved .num')?.textContent === '0', county);
  await page.click('#lang');
  await until(page, () => /Mobile clinic rounds/.test(document.querySelector('#rounds-title')?.textContent || ''));
  check((await page.locator('#unserved').textContent()).includes('Every village is served'), 'English: every village served');

  // a village doctor's phone
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const p2 = await phone.newPage();
  await login(p2);
  await p2.evaluate(() => { location.hash = '#/rounds/331100'; }); /* the link a village doctor is sent */
  await until(p2, () => document.querySelector('#rounds-map')?.dataset.unserved === '3');
  const wide = await p2.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 390, 'phone: no sideways scroll (' + wide + ' px)');
  const hgt = await p2.evaluate(() => document.querySelector('#schedule-village').getBoundingClientRect().height);
  check(hgt >= 44, 'phone: village picker at least 44 px tall (' + hgt + ')');
  await p2.screenshot({ path: join(artifacts, 'rounds-phone.png'), fullPage: true });
  check(problems.length === 0, 'no console errors: ' + problems.join(' | '));
} catch (e) {
  console.error(String(e));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
