#!/usr/bin/env node
// Walks the Rosette admin console (`/admin`) in headless Chromium (the
// Debian `chromium` package, driven by playwright-core) as an administrator
// would, then checks the rules a person cannot see.
//
//   node console.mjs --base URL --admin-token T --grader-token T
//                    --csv FILE --out DIR [--chromium PATH]
//
// The walk (desktop, 1280x800): sign in; record a written and a lab result;
// issue; find the credential in the list; revoke it with a reason (and the
// confirmation); see REVOKED on the public page /v/{id}; upload a 3-row CSV
// (--csv, one bad row) and read the outcomes. Then: a POST without the CSRF
// token is refused (403); a grader's session lands on the lab page and gets
// 403 on issuing; after sign-out the old cookie is sent to sign in.
// Every console page is screenshotted at desktop and phone (390x844) width
// into --out, and on each: every visible form control has a label, the
// page does not scroll sideways on the phone, and focus is visible on the
// first link (an outline or box-shadow when focused by keyboard).
// Over the whole run: no console error (CSP violations are console errors
// in Chromium), no page error, no failed request, no response >= 400
// except the ones the walk provokes on purpose.
//
// Prints one JSON line: {"ok", "problems": [...], "screenshots": [...],
// "credential"}. Exit 0 every check passed, 1 a check failed, 2 usage
// error or the browser could not be run.

import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {parseArgs} from 'node:util';

import {chromium} from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'
];
const PHONE = {viewport: {width: 390, height: 844}, deviceScaleFactor: 2,
  isMobile: true, hasTouch: true};
const DESKTOP = {viewport: {width: 1280, height: 800}, deviceScaleFactor: 1};
const WATCHDOG_MS = 240_000;

function usage(message) {
  process.stderr.write(`console.mjs: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({values} = parseArgs({options: {
    base: {type: 'string'}, 'admin-token': {type: 'string'},
    'grader-token': {type: 'string'}, csv: {type: 'string'},
    out: {type: 'string'}, chromium: {type: 'string'}
  }, strict: true}));
} catch(e) {
  usage(e.message);
}
for(const name of ['base', 'admin-token', 'grader-token', 'csv', 'out']) {
  if(!values[name]) {
    usage(`--${name} is required`);
  }
}
const base = values.base.replace(/\/$/, '');
const problems = [];
const screenshots = [];
/** Responses >= 400 the walk provokes; each is expected once. */
const expectedBad = [];
const watchdog = setTimeout(() => {
  console.log(JSON.stringify({ok: false, problems: [...problems, 'watchdog: the walk took too long'], screenshots}));
  process.exit(1);
}, WATCHDOG_MS);

function check(ok, message) {
  if(!ok) {
    problems.push(message);
  }
  return ok;
}

function watch(page, label) {
  page.on('console', m => {
    if(m.type() === 'error') {
      problems.push(`${label}: console error: ${m.text()}`);
    }
  });
  page.on('pageerror', e => problems.push(`${label}: page error: ${e.message}`));
  page.on('requestfailed', r => {
    // A download the page starts is not a failure, nor is a request the
    // walk's own next navigation cancels (an image still loading).
    if(!r.url().startsWith('data:') && r.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`${label}: request failed: ${r.url()} ${r.failure()?.errorText}`);
    }
  });
  page.on('response', r => {
    if(r.status() >= 400) {
      const i = expectedBad.findIndex(e => e.status === r.status() && r.url().endsWith(e.path));
      if(i >= 0) {
        expectedBad.splice(i, 1);
      } else {
        problems.push(`${label}: ${r.status()} for ${r.url()}`);
      }
    }
  });
}

/** Checks of every console page: labels, no sideways scroll, visible focus. */
async function pageChecks(page, label) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
    .map(e => e.name || e.id));
  check(unlabelled.length === 0, `${label}: form controls without a label: ${unlabelled.join(', ')}`);
  const wide = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  check(wide <= 1, `${label}: the page scrolls sideways by ${wide}px`);
  await page.keyboard.press('Tab');
  const focus = await page.evaluate(() => {
    const e = document.activeElement;
    if(!e || e === document.body) {
      return 'nothing';
    }
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none' ? 'visible' : `invisible on ${e.tagName}`;
  });
  check(focus === 'visible', `${label}: keyboard focus is ${focus}`);
}

async function shoot(context, path, name) {
  for(const [label, opts] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await context.browser().newPage({...opts, storageState: await context.storageState()});
    watch(page, `${name} (${label})`);
    await page.goto(base + path);
    await pageChecks(page, `${name} (${label})`);
    const file = join(values.out, `console-${name}-${label}.png`);
    await page.screenshot({path: file, fullPage: true});
    screenshots.push(file);
    await page.close();
  }
}

async function signIn(page, token) {
  await page.goto(base + '/admin');
  check(page.url() === base + '/admin/sign-in', `not sent to sign in: ${page.url()}`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
}

let browser;
try {
  browser = await chromium.launch({executablePath: values.chromium || process.env.ROSETTE_TEST_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS});
} catch(e) {
  usage(`the browser could not be run: ${e.message}`);
}
mkdirSync(values.out, {recursive: true});
let credential = null;
try {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  watch(page, 'walk');
  // 1. Sign in.
  await signIn(page, values['admin-token']);
  check(await page.textContent('h1') === 'Dashboard', `after sign-in: ${await page.textContent('h1')}`);
  // 2. A written and a lab result.
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.goto(base + '/admin/candidates');
  await page.fill('#written-email', 'browser.walk@example.com');
  await page.fill('#written-name', 'Browser Walk');
  await page.selectOption('#written-certification', 'gitlab-ci-cd-specialist');
  await page.fill('#written-score', '92');
  await page.fill('#written-date', yesterday);
  await page.click('form[action="/admin/assessments/written"] button');
  check((await page.textContent('body')).includes('written 92% — passed'), 'the written result is not listed');
  await page.fill('#lab-email', 'browser.walk@example.com');
  await page.selectOption('#lab-certification', 'gitlab-ci-cd-specialist');
  await page.check('#lab-pass');
  await page.fill('#lab-grader', 'grader@example.com');
  await page.fill('#lab-date', today);
  await page.click('form[action="/admin/assessments/lab"] button');
  check((await page.textContent('body')).includes('lab — passed'), 'the lab result is not listed');
  // 3. Issue.
  await page.fill('#issue-email', 'browser.walk@example.com');
  await page.selectOption('#issue-certification', 'gitlab-ci-cd-specialist');
  await page.click('form[action="/admin/issue"] button');
  check(await page.textContent('#verdict') === 'VALID', `issued: ${await page.textContent('#verdict')}`);
  const path = new URL(page.url()).pathname;
  credential = path.split('/').pop();
  // 4. Find it.
  await page.goto(base + '/admin/credentials?q=browser+walk');
  await page.click(`a[href="/admin/credentials/${credential}"]`);
  check(new URL(page.url()).pathname === path, `found: ${page.url()}`);
  // 5. Revoke with a reason (and the confirmation).
  await page.fill('#revoke-reason', 'browser walk');
  await page.check('#revoke-confirm');
  await page.click('form.danger button');
  check(await page.textContent('#verdict') === 'REVOKED', `revoked: ${await page.textContent('#verdict')}`);
  // 6. The public page says so.
  await page.goto(`${base}/v/${credential}`);
  check((await page.textContent('#verdict h1')) === 'REVOKED', 'the public page does not say REVOKED');
  // 7. Bulk: three rows, one bad.
  await page.goto(base + '/admin/bulk');
  await page.setInputFiles('#csv', values.csv);
  await page.click('form[action="/admin/bulk"] button');
  const summary = await page.textContent('#bulk-summary');
  check(summary === '3 rows: 2 issued, 0 already issued, 1 refused.', `bulk: ${summary}`);
  check(await page.locator('#bulk-results tr.outcome-refused').count() === 1, 'bulk: no refused row shown');

  // Screenshots of every page, desktop and phone.
  for(const [p, name] of [['/admin', 'dashboard'], ['/admin/candidates?q=walk', 'candidates'],
    ['/admin/lab', 'lab'], ['/admin/bulk', 'bulk'], ['/admin/credentials', 'credentials'],
    [path, 'credential'], ['/admin/audit', 'audit'], ['/admin/tokens', 'tokens']]) {
    await shoot(context, p, name);
  }

  // A POST without the CSRF token is refused.
  expectedBad.push({status: 403, path: '/admin/issue'});
  const forged = await page.request.post(base + '/admin/issue', {form: {email: 'browser.walk@example.com', certification: 'gitlab-ci-cd-specialist'}, maxRedirects: 0});
  check(forged.status() === 403, `a POST without CSRF got ${forged.status()}`);
  expectedBad.pop();

  // A grader: the lab page only; issuing is 403.
  const graderContext = await browser.newContext(DESKTOP);
  const grader = await graderContext.newPage();
  watch(grader, 'grader');
  await signIn(grader, values['grader-token']);
  check(new URL(grader.url()).pathname === '/admin/lab', `a grader lands on ${grader.url()}`);
  await shoot(graderContext, '/admin/lab', 'grader-lab');
  const csrf = await grader.getAttribute('input[name=csrf]', 'value');
  expectedBad.push({status: 403, path: '/admin/issue'});
  const issued = await grader.request.post(base + '/admin/issue', {form: {csrf, email: 'browser.walk@example.com', certification: 'gitlab-ci-cd-specialist'}, maxRedirects: 0});
  check(issued.status() === 403, `a grader issuing got ${issued.status()}`);
  expectedBad.pop();

  // Signed out: the old cookie is sent to sign in.
  const cookies = await context.cookies();
  await page.goto(base + '/admin');
  await page.click('form[action="/admin/sign-out"] button');
  check(new URL(page.url()).pathname === '/admin/sign-in', `after sign-out: ${page.url()}`);
  await shoot(context, '/admin/sign-in', 'sign-in');
  await context.addCookies(cookies);
  await page.goto(base + '/admin/credentials');
  check(new URL(page.url()).pathname === '/admin/sign-in', `an ended session reached ${page.url()}`);
  await graderContext.close();
  await context.close();
} catch(e) {
  problems.push(`the walk stopped: ${e.message}`);
} finally {
  await browser.close();
  clearTimeout(watchdog);
}
console.log(JSON.stringify({ok: problems.length === 0, problems, screenshots, credential}));
process.exit(problems.length === 0 ? 0 : 1);
