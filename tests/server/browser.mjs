// browser.mjs: what every dashboard e2e script shares: headless Debian Chromium driven by
// playwright-core with the flags this closed network needs, a polling wait (page.waitForFunction
// evaluates strings in the page, which the dashboard's CSP rightly forbids) and a logged check.
import { chromium } from 'playwright-core';

export const launchBrowser = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
});

// A wait that polls fn(arg) in the page until it is true, giving up after `ms` by default.
export const untilWithin = (ms) => async (page, fn, arg, timeout = ms) => {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + fn.toString());
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const check = (ok, what) => { if (!ok) throw new Error('check failed: ' + what); console.log('ok -', what); };
