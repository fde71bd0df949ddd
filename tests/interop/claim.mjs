#!/usr/bin/env node
// Opens a Rosette wallet claim page (`/claim/{secret}`) in headless Chromium
// (Debian's `chromium`, driven by playwright-core, as page.mjs) and checks
// what the holder sees.
//
//   node claim.mjs --url URL --screenshot FILE.png
//                  [--desktop-screenshot FILE.png] [--status N]
//                  [--text TEXT]... [--wallet] [--exchange URL]
//                  [--chromium PATH]
//
// Three looks at the same URL, each in its own browser context: phone
// (390x844, scale 2, touch), desktop (1280x800), and the phone with
// JavaScript off. In each:
//   - the main document's status is --status (default 200) and it carries a
//     Content-Security-Policy header;
//   - every --text is in the page's visible text;
//   - with --wallet: the heading "Add to your wallet" is visible; so is the
//     QR code, an inline <svg role="img"> in `.wallet-qr` at least 160 CSS
//     px wide with its modules drawn; `#open-lcw` is a visible link to
//     `https://lcw.app/request?request=…` whose request names the exchange
//     (`protocols.vcapi`, equal to --exchange when given) and
//     `#open-openid` a visible link to `openid-credential-offer://?credential_offer=…`
//     with a pre-authorized code; each link is at least 24 CSS px tall (a
//     tap target);
//   - without --wallet: none of those is on the page (a used or unknown
//     link offers nothing to add).
// On phone and desktop also: the page does not scroll sideways (elements
// reaching past the viewport are named). Over the whole run: no console
// error (Chromium reports a Content-Security-Policy violation there), no
// `securitypolicyviolation` event (listened for where JavaScript runs), no
// uncaught page error, no failed request, no response >= 400 other than the
// expected main document, no request to another origin.
//
// Prints one JSON line: {"url", "ok", "problems": [...], "views": {...},
// "consoleErrors", "cspViolations", "pageErrors", "failedRequests",
// "badResponses", "foreignRequests", "browser"}.
// Exit: 0 every check passed, 1 a check failed, 2 usage error or the browser
// could not be run.

import {mkdtempSync, mkdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {parseArgs} from 'node:util';

import {chromium} from 'playwright-core';

const USAGE = 'usage: node claim.mjs --url URL --screenshot FILE.png ' +
  '[--desktop-screenshot FILE.png] [--status N] [--text TEXT]... ' +
  '[--wallet] [--exchange URL] [--chromium PATH]';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'
];
const PHONE = {
  viewport: {width: 390, height: 844}, deviceScaleFactor: 2, isMobile: true,
  hasTouch: true
};
const DESKTOP = {viewport: {width: 1280, height: 800}, deviceScaleFactor: 1};
const WATCHDOG_MS = 120_000;
const STEP_MS = 30_000;

function usage(message) {
  process.stderr.write(`claim.mjs: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({values} = parseArgs({
      options: {
        url: {type: 'string'},
        screenshot: {type: 'string'},
        'desktop-screenshot': {type: 'string'},
        status: {type: 'string', default: '200'},
        text: {type: 'string', multiple: true, default: []},
        wallet: {type: 'boolean', default: false},
        exchange: {type: 'string'},
        chromium: {type: 'string'}
      },
      strict: true, allowPositionals: false
    }));
  } catch(e) {
    usage(e.message);
  }
  for(const name of ['url', 'screenshot']) {
    if(!values[name]) {
      usage(`--${name} is required`);
    }
  }
  let url;
  try {
    url = new URL(values.url);
  } catch {
    usage(`--url is not a URL: ${values.url}`);
  }
  const status = Number(values.status);
  if(!Number.isInteger(status) || status < 100 || status > 599) {
    usage(`--status must be an HTTP status code: ${values.status}`);
  }
  return {
    url: url.href, origin: url.origin, host: url.hostname, status,
    texts: values.text, wallet: values.wallet, exchange: values.exchange,
    screenshot: values.screenshot,
    desktopScreenshot: values['desktop-screenshot'],
    chromium: values.chromium || process.env.ROSETTE_TEST_CHROMIUM ||
      '/usr/bin/chromium'
  };
}

/** Measured in the page (Playwright's isolated world: works with JS off). */
function measure() {
  const doc = document.documentElement;
  const box = el => {
    if(!el) {
      return null;
    }
    const r = el.getBoundingClientRect();
    return {width: Math.round(r.width), height: Math.round(r.height)};
  };
  const link = id => {
    const a = document.getElementById(id);
    return a ? {href: a.getAttribute('href'), text: a.innerText.trim(),
      box: box(a), tag: a.tagName.toLowerCase()} : null;
  };
  const svg = document.querySelector('.wallet-qr svg');
  const wide = [];
  const name = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
    `${el.className && typeof el.className === 'string' ?
      '.' + el.className.replace(/\s+/g, '.') : ''}`;
  for(const el of document.body ? document.body.querySelectorAll('*') : []) {
    const b = el.getBoundingClientRect();
    if(b.width > 0 && (b.right > doc.clientWidth + 1 || b.left < -1)) {
      wide.push(`${name(el)} [${Math.round(b.left)}, ${Math.round(b.right)}]`);
    }
  }
  return {
    title: document.title,
    // textContent, not innerText: the latter applies text-transform.
    text: document.body ?
      document.body.textContent.replace(/\s+/g, ' ').trim() : '',
    headings: [...document.querySelectorAll('h1, h2')]
      .map(h => h.textContent.replace(/\s+/g, ' ').trim()),
    qr: svg ? {
      role: svg.getAttribute('role'),
      label: svg.getAttribute('aria-label'),
      box: box(svg),
      modules: [...svg.querySelectorAll('path')]
        .reduce((n, p) => n + (p.getAttribute('d') || '').split('z').length - 1,
          0)
    } : null,
    lcw: link('open-lcw'),
    openid: link('open-openid'),
    scrollWidth: doc.scrollWidth,
    clientWidth: doc.clientWidth,
    tooWide: wide.slice(0, 10),
    brokenImages: [...document.images]
      .filter(i => !i.complete || i.naturalWidth === 0)
      .map(i => i.currentSrc || i.src)
  };
}

/** The problems of the wallet part of a view. */
function walletProblems(view, opts, where) {
  const problems = [];
  const heading = view.headings.includes('Add to your wallet');
  if(!opts.wallet) {
    for(const [what, present] of [
      ['the heading "Add to your wallet"', heading],
      ['a QR code', view.qr !== null],
      ['#open-lcw', view.lcw !== null],
      ['#open-openid', view.openid !== null]
    ]) {
      if(present) {
        problems.push(where(`${what} is on a page that has nothing to add`));
      }
    }
    return problems;
  }
  if(!heading || !view.visible.heading) {
    problems.push(where('no visible heading "Add to your wallet" ' +
      `(headings: ${JSON.stringify(view.headings)})`));
  }
  const qr = view.qr;
  if(!qr || !view.visible.qr) {
    problems.push(where('no visible QR code (.wallet-qr svg)'));
  } else {
    if(qr.role !== 'img' || !qr.label) {
      problems.push(where(`the QR code has role ${qr.role}, label ` +
        `${JSON.stringify(qr.label)}`));
    }
    if(qr.box.width < 160 || qr.box.height < 160) {
      problems.push(where(`the QR code is ${qr.box.width}x${qr.box.height}` +
        ' CSS px (at least 160 to scan)'));
    }
    if(qr.modules < 100) {
      problems.push(where(`the QR code draws ${qr.modules} runs of modules`));
    }
  }
  const linkProblems = (id, link, visible, prefix, param, inspect) => {
    if(!link || !visible) {
      problems.push(where(`no visible link #${id}`));
      return;
    }
    if(link.tag !== 'a' || !link.href || !link.href.startsWith(prefix)) {
      problems.push(where(`#${id} links to ${JSON.stringify(link.href)}, ` +
        `expected ${prefix}…`));
      return;
    }
    if(link.box.height < 24) {
      problems.push(where(`#${id} is ${link.box.height} CSS px tall`));
    }
    let value;
    try {
      value = JSON.parse(new URL(link.href.replace(
        'openid-credential-offer://', 'https://x.invalid/'))
        .searchParams.get(param));
    } catch(e) {
      problems.push(where(`#${id}: ${param} is not JSON: ${e.message}`));
      return;
    }
    const why = inspect(value);
    if(why) {
      problems.push(where(`#${id}: ${why}`));
    }
  };
  linkProblems('open-lcw', view.lcw, view.visible.lcw,
    'https://lcw.app/request?request=', 'request', request => {
      const vcapi = request?.protocols?.vcapi;
      if(typeof vcapi !== 'string' || !vcapi.startsWith(`${opts.origin}/`)) {
        return `protocols.vcapi is ${JSON.stringify(vcapi)}`;
      }
      if(opts.exchange && vcapi !== opts.exchange) {
        return `protocols.vcapi is ${vcapi}, expected ${opts.exchange}`;
      }
      return null;
    });
  linkProblems('open-openid', view.openid, view.visible.openid,
    'openid-credential-offer://?credential_offer=', 'credential_offer',
    offer => {
      const grant = offer?.grants?.[
        'urn:ietf:params:oauth:grant-type:pre-authorized_code'];
      if(offer?.credential_issuer !== opts.origin) {
        return `credential_issuer ${offer?.credential_issuer}`;
      }
      if(!grant || typeof grant['pre-authorized_code'] !== 'string') {
        return 'no pre-authorized code grant';
      }
      return null;
    });
  return problems;
}

async function shoot(page, path) {
  mkdirSync(dirname(path), {recursive: true});
  await page.screenshot({path, fullPage: true, animations: 'disabled'});
}

async function look({browser, opts, name, contextOptions, screenshot, layout,
  found}) {
  const context = await browser.newContext(contextOptions);
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const where = msg => `${name}: ${msg}`;
  // Runs only where JavaScript is on; the console catches the rest.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      console.error(`securitypolicyviolation: ${e.violatedDirective} ` +
        `${e.blockedURI}`);
    });
  });
  page.on('console', msg => {
    if(msg.type() === 'error') {
      const text = msg.text();
      // Chromium logs the expected error status of the page itself.
      if(opts.status >= 400 && msg.location()?.url === opts.url &&
        text.includes(`status of ${opts.status} `)) {
        return;
      }
      (text.startsWith('securitypolicyviolation') ||
        /Content Security Policy/i.test(text) ? found.cspViolations :
        found.consoleErrors).push(where(text));
    }
  });
  page.on('pageerror', e => found.pageErrors.push(where(String(e))));
  page.on('request', req => {
    let origin;
    try {
      origin = new URL(req.url()).origin;
    } catch {
      origin = null;
    }
    if(origin !== opts.origin && !req.url().startsWith('data:')) {
      found.foreignRequests.push(where(req.url()));
    }
  });
  page.on('requestfailed', req => found.failedRequests.push(
    where(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`)));
  page.on('response', res => {
    const main = res.request().isNavigationRequest() &&
      res.request().frame() === page.mainFrame();
    if(res.status() >= 400 && !(main && res.status() === opts.status)) {
      found.badResponses.push(where(`${res.status()} ${res.url()}`));
    }
  });

  const response = await page.goto(opts.url, {waitUntil: 'load'});
  const view = {status: response ? response.status() : null};
  if(view.status !== opts.status) {
    found.problems.push(where(
      `main document status ${view.status}, expected ${opts.status}`));
  }
  view.csp = response ? await response.headerValue('content-security-policy') :
    null;
  if(!view.csp) {
    found.problems.push(where('no Content-Security-Policy header'));
  }
  Object.assign(view, await page.evaluate(measure));
  view.visible = {
    heading: await page.getByRole('heading', {name: 'Add to your wallet'})
      .isVisible(),
    qr: await page.locator('.wallet-qr svg').isVisible(),
    lcw: await page.locator('#open-lcw').isVisible(),
    openid: await page.locator('#open-openid').isVisible()
  };
  for(const text of opts.texts) {
    if(!view.text.includes(text)) {
      found.problems.push(where(`the page does not say ${JSON.stringify(text)}`));
    }
  }
  found.problems.push(...walletProblems(view, opts, where));
  if(layout) {
    if(view.scrollWidth > view.clientWidth) {
      found.problems.push(where(
        `the page scrolls sideways: ${view.scrollWidth}px wide in a ` +
        `${view.clientWidth}px viewport; too wide: ` +
        (view.tooWide.join('; ') || '?')));
    }
    for(const src of view.brokenImages) {
      found.problems.push(where(`image did not load: ${src}`));
    }
    if(screenshot) {
      await shoot(page, screenshot);
      view.screenshot = screenshot;
    }
  }
  // The text is long; keep the start for the report.
  view.text = view.text.slice(0, 300);
  await context.close();
  return view;
}

async function main() {
  const opts = options();
  const found = {
    problems: [], consoleErrors: [], cspViolations: [], pageErrors: [],
    failedRequests: [], badResponses: [], foreignRequests: []
  };
  const result = {url: opts.url, ok: false};
  const emit = code => {
    process.stdout.write(JSON.stringify({...result, ...found}) + '\n');
    return code;
  };
  const tmp = mkdtempSync(join(tmpdir(), 'rosette-claim-'));
  process.env.TMPDIR = tmp;
  let browser;
  const watchdog = setTimeout(() => {
    found.problems.push(`gave up after ${WATCHDOG_MS / 1000} s`);
    process.exitCode = emit(1);
    rmSync(tmp, {recursive: true, force: true});
    process.exit();
  }, WATCHDOG_MS);
  try {
    try {
      browser = await chromium.launch({
        executablePath: opts.chromium,
        headless: true,
        args: [...CHROMIUM_ARGS,
          `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${opts.host}`],
        timeout: 60_000
      });
    } catch(e) {
      found.problems.push(`cannot start Chromium at ${opts.chromium}: ` +
        String(e.message).split('\n')[0]);
      return emit(2);
    }
    result.browser = `${opts.chromium} ${browser.version()}`;
    result.views = {};
    for(const [name, contextOptions, screenshot, layout] of [
      ['phone', PHONE, opts.screenshot, true],
      ['desktop', DESKTOP, opts.desktopScreenshot, true],
      ['nojs', {...PHONE, javaScriptEnabled: false}, null, false]
    ]) {
      try {
        result.views[name] = await look({
          browser, opts, name, contextOptions, screenshot, layout, found
        });
      } catch(e) {
        found.problems.push(`${name}: ${String(e.message).split('\n')[0]}`);
      }
    }
    for(const [list, what] of [
      ['consoleErrors', 'console error'],
      ['cspViolations', 'CSP violation'],
      ['pageErrors', 'uncaught page error'],
      ['failedRequests', 'failed request'],
      ['badResponses', 'error response'],
      ['foreignRequests', 'request to another origin']
    ]) {
      for(const item of found[list]) {
        found.problems.push(`${what}: ${item}`);
      }
    }
    result.ok = found.problems.length === 0;
    return emit(result.ok ? 0 : 1);
  } finally {
    clearTimeout(watchdog);
    if(browser) {
      await browser.close().catch(() => {});
    }
    rmSync(tmp, {recursive: true, force: true});
  }
}

process.exitCode = await main();
