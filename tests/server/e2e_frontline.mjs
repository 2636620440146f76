// e2e_frontline.mjs: recording the work from the screens in headless Chromium. A township doctor
// records an uncontrolled follow-up from the worklist (the form shows 未控制 and 14天内复查 before
// saving; the row becomes 2周内复查) and a controlled one two weeks later (the row clears); refers a
// 需转诊 patient, whom the county hospital accepts and marks arrived in a second browser; the
// doctor's referral from a phone at 390x844 with no sideways scrolling and 44 px taps; the village doctor records a
// follow-up offline, reloads, comes back online and it is sent once; a planner sees counts only
// and is refused a named record. Every wait waits for the state it then reads.
// usage: node tests/server/e2e_frontline.mjs URL ARTIFACTS_DIR RESIDENT_A RESIDENT_B
import { launchBrowser, untilWithin, check } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, artifacts, A, B] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const until = untilWithin();
const problems = [];
const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', serviceWorkers: 'block' };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

async function open(browser, opts, name, pw) {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (401|403|409|400|503)|Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(m.text())) problems.push(`${name}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${name}: ${e}`));
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(name, m.type(), m.text()));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#login-form');
  await page.fill('#username', name);
  await page.fill('#password', pw);
  await page.click('#login-button');
  await page.waitForSelector('#care-nav');
  return { context, page };
}

const row = (who, action) => `#worklist-table tr[data-resident="${who}"]${action ? `[data-action="${action}"]` : ''}`;
const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
// visible buttons, links and inputs in main and in dialogs smaller than 44 px tall
const smallTaps = (page) => page.evaluate(() => [...document.querySelectorAll('main button, main input, main select, .modal button, .modal input, .modal select, .modal textarea')]
  .filter((e) => e.offsetParent !== null && e.type !== 'hidden' && e.type !== 'checkbox' && e.getBoundingClientRect().height < 44)
  .map((e) => e.id || e.textContent || e.name));

async function followup(page, who, action, sbp, dbp, expectState) {
  await page.click(`${row(who, action)} button[data-act="followup"]`);
  await page.waitForSelector('#followup-form');
  await page.fill('#f-sbp', String(sbp));
  await page.fill('#f-dbp', String(dbp));
  await page.press('#f-dbp', 'Tab'); // change: the server judges the readings
  await until(page, (s) => document.querySelector('#fu-verdict')?.dataset.state === s, expectState);
  const verdict = await page.locator('#fu-verdict').textContent();
  await page.click('#fu-save');
  await page.waitForSelector('#followup-dialog', { state: 'detached' });
  return verdict;
}

async function refer(page, who) {
  await page.click(`${row(who, 'refer')} button[data-act="refer"]`);
  await page.waitForSelector('#referral-form #f-to option', { state: 'attached' });
  const first = await page.evaluate(() => { const o = document.querySelector('#f-to option'); return { group: o.parentElement.label, text: o.textContent }; });
  check(first.group === '县域内' && first.text.includes('丽水市中心医院') && first.text.includes('三甲'), `destinations: in county first, with type and grade (${first.text})`);
  check((await page.inputValue('#f-reason')).includes('转诊'), 'the reason is filled in from the row');
  const before = await page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('#referral-table tr[data-referral]')].map((r) => +r.dataset.referral)));
  await page.click('#rf-save');
  await page.waitForSelector('#referral-dialog', { state: 'detached' });
  await until(page, (n) => [...document.querySelectorAll('#referral-table tr[data-referral]')].some((r) => +r.dataset.referral > n && r.textContent.includes('申请上转')), before);
  return page.evaluate(() => Math.max(...[...document.querySelectorAll('#referral-table tr[data-referral]')].map((r) => +r.dataset.referral)));
}

async function hospitalReceives(page, id) {
  await page.goto(url + '#/care', { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' }); // a fresh list (the hash may not have changed)
  const tr = `#referral-table tr[data-referral="${id}"]`;
  await page.waitForSelector(`${tr} button[data-to="accepted"]`);
  check(await page.locator('#worklist-table').count() === 0, 'a hospital has no worklist');
  check(await page.locator('#referral-table button[data-to="received"]').count() === 0, 'a hospital is not offered the sending side');
  await page.click(`${tr} button[data-to="accepted"]`);
  await page.waitForSelector('#step-dialog');
  check((await page.locator('#step-dialog').textContent()).includes('不可撤销'), 'an irreversible step asks for confirmation');
  await page.fill('#step-note', '床位已安排');
  await page.click('#step-confirm');
  await page.waitForSelector(`${tr} button[data-to="arrived"]`);
  await page.click(`${tr} button[data-to="arrived"]`);
  await page.waitForSelector('#step-dialog');
  await page.click('#step-confirm');
  await page.waitForSelector(`${tr} button[data-to="completed"]`);
}

async function doctorSeesArrival(page, id) {
  await page.reload({ waitUntil: 'load' });
  const tr = `#referral-table tr[data-referral="${id}"]`;
  await until(page, (sel) => document.querySelector(sel)?.textContent.includes('已到诊'), tr);
  check(await page.locator(`${tr} button`).count() === 0, 'the doctor is offered no receiving step');
}

const t0 = Date.now();
const lap = (what) => console.log(`-- ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const browser = await launchBrowser();
let code = 0;
try {
  // ---- a township doctor at a desk ----
  const doc = await open(browser, DESK, 'doc', 'doc-pass-1');
  const page = doc.page;
  await page.click('#care-nav');
  await page.waitForSelector(row(B, 'routine'));
  let v = await followup(page, B, 'routine', 150, 95, 'uncontrolled');
  check(v.includes('未控制') && v.includes('14天内复查'), `the form tells the verdict before saving: ${v}`);
  await page.waitForSelector(row(B, 'recheck'));
  check((await page.locator(row(B, 'recheck')).textContent()).includes('2周内复查'), 'the row became 2周内复查');
  await page.screenshot({ path: join(artifacts, 'frontline-worklist.png'), fullPage: true });
  // two weeks later, controlled: the row clears
  await page.fill('#care-date', '2026-01-14');
  await until(page, () => document.querySelector('#worklist .muted')?.textContent.includes('2026-01-14'));
  await page.waitForSelector(row(B, 'recheck'));
  v = await followup(page, B, 'recheck', 128, 78, 'controlled');
  check(v.includes('控制满意'), 'the second reading is controlled');
  await until(page, (sel) => document.querySelector('#worklist .muted')?.textContent.includes('2026-01-14') && !document.querySelector(sel), row(B));
  check(true, 'the controlled follow-up cleared the row');
  // a referral from the 需转诊 row
  lap('a referral from the 需转诊 row');
  const id1 = await refer(page, A);
  check(id1 > 0, `referral ${id1} requested`);
  // the receiving hospital, in a second browser
  lap('the receiving hospital, in a second browser');
  const hosp = await open(browser, DESK, 'hosp', 'hosp-pass-1');
  await hospitalReceives(hosp.page, id1);
  await hosp.page.screenshot({ path: join(artifacts, 'frontline-hospital.png'), fullPage: true });
  await doctorSeesArrival(page, id1);
  // the record: chart, follow-ups, contract actions
  await page.goto(url + '#/care/resident/' + B, { waitUntil: 'load' });
  await until(page, () => document.querySelector('#followup-chart')?.dataset.points === '3');
  check(await page.locator('#contract-sign').count() === 1, 'a resident without a contract can be signed from the record');
  await doc.context.close();

  // ---- the same referral flow on a phone ----
  lap('the same referral flow on a phone');
  const phone = await open(browser, PHONE, 'doc', 'doc-pass-1');
  const p = phone.page;
  await p.click('#care-nav');
  await p.waitForSelector(row(A, 'refer'));
  check(await noSideways(p), 'phone: the worklist does not scroll sideways');
  let small = await smallTaps(p);
  check(small.length === 0, 'phone: taps of at least 44 px on the worklist ' + small.join(','));
  check(!(await p.locator('#tree').isVisible()) || !(await p.locator('#care-teams').isVisible()), 'phone: the menu is folded');
  await p.screenshot({ path: join(artifacts, 'phone-worklist.png'), fullPage: false });
  await p.click(`${row(A, 'refer')} button[data-act="refer"]`);
  await p.waitForSelector('#referral-form #f-to option', { state: 'attached' });
  check(await noSideways(p), 'phone: the referral form does not scroll sideways');
  small = await smallTaps(p);
  check(small.length === 0, 'phone: taps of at least 44 px in the form ' + small.join(','));
  await p.screenshot({ path: join(artifacts, 'phone-referral.png') });
  await p.click('#referral-dialog-cancel');
  await p.waitForSelector('#referral-dialog', { state: 'detached' });
  const id2 = await refer(p, A); // (the hospital's side was shown above; here the phone's)
  check(id2 > id1, `phone: referral ${id2} requested`);
  check(await noSideways(p), 'phone: the referral list does not scroll sideways');
  await p.goto(url + '#/care/resident/' + A, { waitUntil: 'load' });
  await until(p, () => +(document.querySelector('#followup-chart')?.dataset.points || 0) >= 2);
  check(await noSideways(p), 'phone: the record does not scroll sideways');
  const tel = p.locator('#resident-team-phone a[href="tel:05782123456"]');
  check(await tel.count() === 1 && (await tel.textContent()) === '0578-2123456', 'phone: the record shows the team\'s number as a tap-to-call link');
  check((await tel.boundingBox()).height >= 44, 'phone: the call link is a 44 px tap');
  await p.screenshot({ path: join(artifacts, 'phone-record.png'), fullPage: true });
  await phone.context.close();
  await hosp.context.close();

  // ---- the village doctor, offline ----
  lap('the village doctor, offline');
  const vil = await open(browser, PHONE, 'vdoc', 'vdoc-pass-1');
  const q = vil.page;
  await q.click('#care-nav');
  await q.waitForSelector(row(A));
  await until(q, () => !!navigator.serviceWorker.controller);
  await q.reload({ waitUntil: 'load' }); // once online under the service worker: the reads are kept
  await q.waitForSelector(row(A));
  await vil.context.setOffline(true);
  await until(q, () => !navigator.onLine);
  await q.click(`${row(A)} button[data-act="followup"]`);
  await q.waitForSelector('#followup-form');
  await q.fill('#f-sbp', '152');
  await q.fill('#f-dbp', '96');
  await q.fill('#f-note', '离线记录');
  await q.click('#fu-save');
  await q.waitForSelector('#care-queue li.q-pending');
  check((await q.locator('#care-queue').textContent()).includes('待上传'), 'offline: shown as 待上传');
  await q.screenshot({ path: join(artifacts, 'phone-offline.png') });
  // (Chromium's offline emulation does not cover the service worker's own fetches, so this reload
  // shows that the queue survives it; the cache the worker would serve offline is checked here)
  check(await q.evaluate(async () => !!(await caches.match('/app.js')) && !!(await caches.match('/api/v1/care/whoami'))),
    'offline: the app and the workbench reads are kept by the service worker');
  await q.reload({ waitUntil: 'load' });
  await q.waitForSelector('#care-queue li.q-pending');
  check(await q.locator('#offline-banner').count() === 1, 'offline after the reload: the page and the queue are still there');
  await vil.context.setOffline(false);
  await until(q, () => navigator.onLine && !document.querySelector('#care-queue li'));
  check(true, 'back online: sent and no longer waiting');
  await vil.context.close();

  // ---- a planner ----
  lap('a planner');
  const plan = await open(browser, DESK, 'plan', 'plan-pass-1');
  await plan.page.click('#care-nav');
  await plan.page.waitForSelector('#measures-table tbody tr');
  check(await plan.page.locator('#counts-only').count() === 1 && await plan.page.locator('#worklist-table').count() === 0, 'planner: counts only');
  check(!(await plan.page.locator('main').textContent()).includes('测试'), 'planner: no resident named');
  await plan.page.goto(url + '#/care/resident/' + A, { waitUntil: 'load' });
  await plan.page.waitForSelector('#message');
  check((await plan.page.locator('#message').textContent()).includes('汇总'), 'planner: a named record is refused in Chinese');
  await plan.context.close();
  check(problems.length === 0, 'no page errors: ' + problems.join(' | '));
} catch (e) {
  console.error('E2E FAILED:', e.message, problems.join(' | '));
  for (const [i, c] of browser.contexts().entries()) for (const [j, pg] of c.pages().entries()) {
    await pg.screenshot({ path: join(artifacts, `frontline-failure-${i}-${j}.png`), fullPage: true }).catch(() => {});
    console.error('page', i, j, (await pg.locator('body').textContent().catch(() => '')).slice(0, 1500));
  }
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
