// e2e.mjs: the dashboard end to end in headless Chromium (Debian's chromium, driven by
// playwright-core): log in, open a county, see the map and the findings, open a facility,
// export CSV and XLSX, switch to English. Saves screenshots to ARTIFACTS. Exits 0 on success.
// usage: node tests/server/e2e.mjs URL USER PASSWORD COUNTY_CODE ARTIFACTS_DIR
import { launchBrowser, untilWithin, check, collectProblems } from './browser.mjs';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [url, user, password, county, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const problems = [];
const until = untilWithin();

const browser = await launchBrowser();
let code = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  collectProblems(page, problems, /status of (401|503)/, (u) => !/download|export/.test(u));

  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('#login-form');
  check(await page.locator('#login-button').textContent() === '登录', 'login page in Chinese');
  await page.fill('#username', user);
  await page.fill('#password', 'wrong-password');
  await page.click('#login-button');
  await until(page, () => document.querySelector('#login-error')?.textContent.length > 0);
  check(true, 'a wrong password is refused on the page');
  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForSelector('#tree a[data-code]');
  check(true, 'logged in: area tree shown');

  await page.click(`#tree a[data-code="${county}"]`);
  await until(page, (c) => location.hash === '#/area/' + c, county);
  await page.waitForSelector('#map canvas');
  await until(page, (c) => document.querySelector('#map')?.dataset.area === c && Number(document.querySelector('#map').dataset.features) > 0, county);
  const points = Number(await page.getAttribute('#map', 'data-points'));
  check(points > 0, `map shows the county boundary and ${points} facilities`);
  const crumbs = await page.locator('#crumbs').textContent();
  check(crumbs.includes('›'), 'breadcrumbs: ' + crumbs);
  await page.waitForSelector('#findings-table, #findings .warn');
  const hasTable = await page.locator('#findings-table').count();
  if (hasTable) {
    const rows = await page.locator('#findings-table tbody tr').count();
    check(rows > 0, `findings table with ${rows} rows`);
    check((await page.locator('#findings-table td.quote q').first().textContent()).length > 0, 'findings cite their sentence');
    // the count is the true count, and paging reaches further rows
    const range = await page.locator('#findings .find-range').first().textContent();
    const total = Number(range.replace(/^.*共\s*/, '').replace(/,/g, ''));
    check(rows === Math.min(50, total), `findings: ${range}`);
    if (total > 50) {
      await page.locator('#findings .find-next').first().click();
      await until(page, () => /^显示 51–/.test(document.querySelector('#findings .find-range')?.textContent || ''));
      check(true, 'next page of findings: ' + await page.locator('#findings .find-range').first().textContent());
    }
    check(!/\.txt/.test(await page.locator('#findings-table').textContent()), 'documents named by title, not file name');
  } else {
    check((await page.locator('#findings .warn').textContent()).includes('不可用'), 'findings section says the evaluation module is not available');
  }
  await page.waitForSelector('#facility-table tbody tr');
  await until(page, () => document.getElementById('progress').hidden);
  await page.screenshot({ path: join(artifacts, 'dashboard-county.png'), fullPage: false });
  await page.locator('#findings').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'dashboard-findings.png'), fullPage: false });
  await page.evaluate(() => document.getElementById('main').scrollTo(0, 0));

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-facilities-csv')]);
  const csvPath = join(artifacts, csv.suggestedFilename());
  await csv.saveAs(csvPath);
  const csvText = readFileSync(csvPath, 'utf8');
  check(csvText.includes('代码,名称,类型') && csvText.split('\n').length > 2, 'facilities CSV exported: ' + csv.suggestedFilename());
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#export-facilities-xlsx')]);
  const xlsxPath = join(artifacts, xlsx.suggestedFilename());
  await xlsx.saveAs(xlsxPath);
  check(readFileSync(xlsxPath).subarray(0, 2).toString() === 'PK', 'facilities XLSX exported: ' + xlsx.suggestedFilename());

  await page.locator('#facility-table tbody tr a').first().click();
  await page.waitForSelector('#facility-name');
  check((await page.locator('#facility-name').textContent()).length > 0, 'facility detail page');
  await page.screenshot({ path: join(artifacts, 'dashboard-facility.png') });
  await page.click('#back');
  await page.waitForSelector('#map canvas');

  // the search box finds an area by name as one types, and opens it
  await page.fill('#search', '莲都');
  await until(page, () => document.querySelector('#search-results')?.dataset.query === '莲都' && !document.querySelector('#search-results').hidden);
  check(await page.locator('#search-results a[data-code="331102"]').count() === 1, 'search finds 莲都区: ' + await page.locator('#search-results').textContent());
  await page.fill('#search', '没有这个地方');
  await until(page, () => document.querySelector('#search-results')?.dataset.query === '没有这个地方');
  check(await page.locator('#search-results a').count() === 0 && (await page.locator('#search-results').textContent()).includes('无匹配'),
    'no match is said so: ' + await page.locator('#search-results').textContent());
  await page.fill('#search', '莲都');
  await until(page, () => document.querySelector('#search-results')?.dataset.query === '莲都' && !document.querySelector('#search-results').hidden);
  await page.locator('#search-results a[data-code="331102"]').click();
  await until(page, () => location.hash === '#/area/331102' && document.querySelector('#map')?.dataset.area === '331102');
  check(true, 'a search result opens its page');

  // printing: A4, without the sidebar and the controls, tables whole
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('#tree').isVisible()) && !(await page.locator('#search').isVisible()), 'print leaves out the sidebar and the search box');
  const pdf = await page.pdf({ path: join(artifacts, 'dashboard-county-print.pdf'), format: 'A4' });
  check(pdf.subarray(0, 4).toString() === '%PDF' && pdf.length > 10000, `printed to an A4 PDF (${pdf.length} bytes)`);
  await page.emulateMedia({ media: 'screen' });

  await page.click('#lang');
  await until(page, () => document.querySelector('#findings h2')?.textContent === 'Findings');
  check(true, 'English switch');
  await page.screenshot({ path: join(artifacts, 'dashboard-county-en.png') });
  await page.click('#lang');

  await page.click('#logout');
  await page.waitForSelector('#login-form');
  check(true, 'logged out');
  check(problems.length === 0, 'no console errors or CSP violations: ' + problems.join(' | '));
} catch (e) {
  console.error('E2E FAILED:', e.message, problems.join('\n'));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
