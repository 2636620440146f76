// browser.mjs: what every dashboard e2e script shares: headless Debian Chromium driven by
// playwright-core with the flags this closed network needs, a polling wait (page.waitForFunction
// evaluates strings in the page, which the dashboard's CSP rightly forbids) and a logged check.
import { chromium } from 'playwright-core';

// How long any wait may take before the test fails. Generous, because the server under test may
// run under AddressSanitizer on a loaded 2-core machine: a wait that gives up early is a flake,
// while a broken page still fails, only later. Every context gets it as its default timeout.
export const WAIT_MS = Number(process.env.HSS_E2E_WAIT_MS || 90000);

export const launchBrowser = async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (opts) => {
    const context = await newContext(opts);
    context.setDefaultTimeout(WAIT_MS);
    // a server error names its request in the test's output, whatever the script then checks
    context.on('response', async (res) => {
      if (res.status() >= 500) console.error(`server answered ${res.status()} to ${res.request().method()} ${res.url()}: ${await res.text().catch(() => '')}`);
    });
    return context;
  };
  return browser;
};

// A wait that polls fn(arg) in the page until it is true, giving up after `ms` by default.
export const untilWithin = (ms = WAIT_MS) => async (page, fn, arg, timeout = ms) => {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + fn.toString());
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const check = (ok, what) => { if (!ok) throw new Error('check failed: ' + what); console.log('ok -', what); };

// Collects into `problems` what the page reports going wrong: console errors other than the
// `expected` statuses, uncaught exceptions and, when `failedRequest` is given, every failed
// request whose URL it accepts.
export const collectProblems = (page, problems, expected, failedRequest = null) => {
  page.on('console', (m) => { if (m.type() === 'error' && !expected.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  if (failedRequest) page.on('requestfailed', (r) => { if (failedRequest(r.url())) problems.push('request failed: ' + r.url()); });
};

// Opens the dashboard at url and logs in through its form.
export const logIn = async (page, url, user, password) => {
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('#login-form');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-button');
};
