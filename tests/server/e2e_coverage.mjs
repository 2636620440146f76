// e2e_coverage.mjs: the coverage screens in headless Chromium (Debian's chromium, driven by
// playwright-core): log in, open a county, read the coverage and EMS cards, switch on the
// service-circle layer, run a siting proposal and see the proposed sites on the map, switch to
// English. Saves screenshots to ARTIFACTS. Exits 0 on success.
// usage: node tests/server/e2e_coverage.mjs URL USER PASSWORD COUNTY_CODE ARTIFACTS_DIR
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
  collectProblems(page, problems, /status of (401|503)/, () => true);

  await logIn(page, url, user, password);
  await page.waitForSelector('#tree a[data-code]');
  await page.click(`#tree a[data-code="${county}"]`);
  await until(page, (c) => location.hash === '#/area/' + c, county);
  await page.waitForSelector('#map canvas');

  // the cards: share within the circle, residents outside; EMS means against 11 / 14 minutes
  // one reading of the card: the share and the residents outside, as the same drawing shows them
  await until(page, () => /%/.test(document.querySelector('#coverage-card .num')?.textContent || '')
    && (document.querySelector('#coverage-card')?.textContent || '').includes('圈外常住人口'));
  check(true, 'coverage card names the share and the residents outside');
  await until(page, () => /目标/.test(document.querySelector('#ems-card')?.textContent || ''));
  const ems = await page.locator('#ems-card').textContent();
  check(ems.includes('<11') && ems.includes('<14') && ems.includes('调度'), 'EMS card with targets and dispatch stated: ' + ems);
  check(await page.locator('.coverage-controls').textContent().then((s) => s.includes('服务圈覆盖')), 'layer toggle labelled 服务圈覆盖');

  // the layer: villages coloured covered / outside
  check(await page.getAttribute('#map', 'data-coverage') !== 'on', 'layer off at first');
  await page.check('#coverage-toggle');
  await until(page, () => document.querySelector('#map').dataset.coverage === 'on' && document.querySelector('#map').dataset.circle === '15/20');
  const inside = Number(await page.getAttribute('#map', 'data-covered'));
  const outside = Number(await page.getAttribute('#map', 'data-uncovered'));
  check(inside > 0 && inside + outside > 10, `coverage layer: ${inside} villages inside, ${outside} outside`);
  await until(page, () => document.getElementById('progress').hidden);
  await page.screenshot({ path: join(artifacts, 'coverage-layer.png') });

  // a tighter circle leaves more villages outside
  await page.fill('#coverage-minutes', '5');
  await page.fill('#coverage-rural', '5');
  await page.locator('#coverage-rural').dispatchEvent('change');
  await page.locator('#coverage-minutes').dispatchEvent('change');
  // the map says which circle its counts are for: wait for the 5/5 drawing, then read it
  await until(page, () => document.querySelector('#map').dataset.coverage === 'on' && document.querySelector('#map').dataset.circle === '5/5');
  check(/（5\/5 /.test(await page.locator('#coverage-card').textContent()), 'card states the 5/5 circle');
  await until(page, () => document.getElementById('progress').hidden);
  const tighter = await page.evaluate(() => ({ ...document.querySelector('#map').dataset, card: document.querySelector('#coverage-card')?.textContent }));
  check(Number(tighter.uncovered) > outside, `tighter circle applied: 15/20 left ${outside} villages outside, now ${JSON.stringify(tighter)}`);
  check(true, 'a 5-minute circle leaves more villages outside: ' + await page.getAttribute('#map', 'data-uncovered'));

  // siting: three EMS stations
  await page.selectOption('#site-type', 'ems_station');
  await page.fill('#site-k', '3');
  await page.locator('#site-k').dispatchEvent('change');
  await page.click('#site-run');
  await page.waitForSelector('#site-table tbody tr');
  const rows = await page.locator('#site-table tbody tr').count();
  check(rows === 3, `siting proposal with ${rows} sites`);
  check((await page.locator('#site-gain').textContent()).includes('→'), 'gain: ' + await page.locator('#site-gain').textContent());
  await until(page, () => document.querySelector('#map').dataset.sites === '3');
  check(true, 'proposed sites drawn on the map');
  await until(page, () => document.getElementById('progress').hidden);
  await page.locator('#siting').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('main').scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, 'coverage-siting.png') });
  await page.locator('#siting').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'coverage-siting-panel.png') });

  // English
  await page.click('#lang');
  await until(page, () => /Service circles/.test(document.querySelector('.coverage-controls')?.textContent || ''));
  await until(page, () => /Residents outside/.test(document.querySelector('#coverage-card')?.textContent || ''));
  check(true, 'English switch');
  await until(page, () => document.getElementById('progress').hidden);
  await page.screenshot({ path: join(artifacts, 'coverage-en.png') });
  await page.click('#lang');
  check(problems.length === 0, 'no console errors or CSP violations: ' + problems.join(' | '));
} catch (e) {
  console.error('E2E FAILED:', e.message, problems.join('\n'));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
