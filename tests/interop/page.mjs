#!/usr/bin/env node
// Opens a Rosette verification page (`/v/{id}`) in headless Chromium (the
// Debian `chromium` package, driven by playwright-core, which downloads no
// browser) and checks what a person would see.
//
//   node page.mjs --url URL --expect TEXT --screenshot FILE.png
//                 [--first-screen-screenshot FILE.png]
//                 [--desktop-screenshot FILE.png] [--status N] [--chromium PATH]
//
// Three looks at the same URL, each in its own browser context:
//   phone    390x844 CSS px, deviceScaleFactor 2, isMobile, touch; what
//            fits on the screen on arrival goes to --first-screen-screenshot,
//            the whole page (every <details> opened) to --screenshot;
//   desktop  1280x800; a full-page screenshot to --desktop-screenshot if given;
//   nojs     the phone again with JavaScript disabled: the verdict must not
//            need it (only the status and verdict checks run here).
// In each: the main document's status is --status (default 200); the text of
// `#verdict h1` equals --expect, is visible and lies within the first screen.
// On phone and desktop also: the verdict's contrast against its box is at
// least 3:1 (WCAG AA, large text); and, with every <details> opened, the
// page does not scroll sideways, no text sticks out of its card (<section>),
// every image loaded.
// Over the whole run: no console error, no uncaught page error, no failed
// request, no response >= 400 (except the main document when --status says
// so), no request to another origin. Console warnings are reported only.
//
// The browser: --chromium, else $ROSETTE_TEST_CHROMIUM, else
// /usr/bin/chromium. It runs with background networking, component updates,
// sync and QUIC off, and resolves no host name but the page's own (checked
// with strace: no DNS query, no connection but to the page's server). Each run
// uses a fresh temporary profile (Playwright's `launch()` makes one; it
// refuses a --user-data-dir argument) inside a temporary folder of our own,
// removed at exit.
//
// Prints one JSON line: {"url", "expect", "ok", "problems": [...], "views":
// {"phone": {...}, "desktop": {...}, "nojs": {...}}, "consoleErrors",
// "consoleWarnings", "pageErrors", "failedRequests", "badResponses",
// "foreignRequests", "browser"}.
// Exit: 0 every check passed, 1 a check failed, 2 usage error or the browser
// could not be run.

import {mkdtempSync, mkdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {parseArgs} from 'node:util';

import {chromium} from 'playwright-core';

const USAGE = 'usage: node page.mjs --url URL --expect TEXT ' +
  '--screenshot FILE.png [--first-screen-screenshot FILE.png] ' +
  '[--desktop-screenshot FILE.png] [--status N] [--chromium PATH]';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

const PHONE = {
  viewport: {width: 390, height: 844},
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true
};
const DESKTOP = {viewport: {width: 1280, height: 800}, deviceScaleFactor: 1};

/** Whole run, browser start included (a shared 2-core machine is slow). */
const WATCHDOG_MS = 120_000;
const STEP_MS = 30_000;

function usage(message) {
  process.stderr.write(`page.mjs: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({values} = parseArgs({
      options: {
        url: {type: 'string'},
        expect: {type: 'string'},
        screenshot: {type: 'string'},
        'desktop-screenshot': {type: 'string'},
        'first-screen-screenshot': {type: 'string'},
        status: {type: 'string', default: '200'},
        chromium: {type: 'string'}
      },
      strict: true,
      allowPositionals: false
    }));
  } catch(e) {
    usage(e.message);
  }
  for(const name of ['url', 'expect', 'screenshot']) {
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
    url: url.href,
    origin: url.origin,
    host: url.hostname,
    expect: values.expect,
    screenshot: values.screenshot,
    desktopScreenshot: values['desktop-screenshot'],
    firstScreenScreenshot: values['first-screen-screenshot'],
    status,
    chromium: values.chromium || process.env.ROSETTE_TEST_CHROMIUM ||
      '/usr/bin/chromium'
  };
}

/** WCAG relative luminance of a CSS `rgb(a)` colour, or null. */
function luminance(css) {
  const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/
    .exec(css || '');
  if(!m || (m[4] !== undefined && Number(m[4]) < 1)) {
    return null;
  }
  const [r, g, b] = [m[1], m[2], m[3]].map(v => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(fg, bg) {
  const a = luminance(fg);
  const b = luminance(bg);
  if(a === null || b === null) {
    return null;
  }
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return Math.round(ratio * 100) / 100;
}

/** What the page shows, measured in the page (works with JS disabled too:
 * Playwright evaluates in its own isolated world). */
function measure() {
  const h1 = document.querySelector('#verdict h1');
  const box = document.querySelector('#verdict');
  const doc = document.documentElement;
  const r = h1 && h1.getBoundingClientRect();
  // Elements reaching past the viewport's width (clientWidth: on a phone
  // an overflowing page widens the layout viewport, and innerWidth with it).
  const wide = [];
  const escapes = [];
  const name = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
    `${el.className ? '.' + String(el.className).replace(/\s+/g, '.') : ''}`;
  const out = b => b.width > 0 && (b.right > doc.clientWidth + 1 || b.left < -1);
  const span = b => `[${Math.round(b.left)}, ${Math.round(b.right)}]`;
  for(const el of document.body ? document.body.querySelectorAll('*') : []) {
    const b = el.getBoundingClientRect();
    if(out(b)) {
      wide.push(`${name(el)} ${span(b)}`);
    }
  }
  // Text can overflow a box that itself fits (a long unbreakable word).
  const texts = document.createTreeWalker(document.body || doc,
    NodeFilter.SHOW_TEXT);
  for(let t = texts.nextNode(); t; t = texts.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(t);
    const b = range.getBoundingClientRect();
    const text = t.textContent.trim();
    const quoted = JSON.stringify(
      text.length > 60 ? text.slice(0, 60) + '…' : text);
    if(out(b)) {
      wide.push(`text in ${name(t.parentElement)} ${span(b)} ${quoted}`);
    }
    // Text sticking out of its card (the page's boxes are <section>s).
    const card = t.parentElement && t.parentElement.closest('section');
    const c = card && card.getBoundingClientRect();
    if(c && b.width > 0 && (b.right > c.right + 1 || b.left < c.left - 1)) {
      escapes.push(`text in ${name(t.parentElement)} ${span(b)} outside ` +
        `${name(card)} ${span(c)}: ${quoted}`);
    }
  }
  return {
    title: document.title,
    verdict: h1 ? h1.innerText.trim() : null,
    verdictBox: r ? {
      top: Math.round(r.top),
      bottom: Math.round(r.bottom),
      left: Math.round(r.left),
      right: Math.round(r.right)
    } : null,
    verdictFontSize: h1 ? getComputedStyle(h1).fontSize : null,
    verdictColor: h1 ? getComputedStyle(h1).color : null,
    verdictBackground: box ? getComputedStyle(box).backgroundColor : null,
    verdictClass: box ? box.className : null,
    layoutViewport: {width: innerWidth, height: innerHeight},
    scrollWidth: doc.scrollWidth,
    clientWidth: doc.clientWidth,
    pageHeight: doc.scrollHeight,
    tooWide: wide.slice(0, 10),
    outsideCard: escapes.slice(0, 10),
    scripts: document.scripts.length,
    brokenImages: [...document.images]
      .filter(i => !i.complete || i.naturalWidth === 0)
      .map(i => i.currentSrc || i.src)
  };
}

async function shoot(page, path, fullPage) {
  mkdirSync(dirname(path), {recursive: true});
  await page.screenshot({path, fullPage, animations: 'disabled'});
}

async function look({browser, opts, name, contextOptions, screenshot,
  firstScreen, layout, found}) {
  const context = await browser.newContext(contextOptions);
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const where = msg => `${name}: ${msg}`;
  page.on('console', msg => {
    const type = msg.type();
    if(type === 'error' || type === 'warning') {
      const loc = msg.location();
      const entry = where(`${msg.text()}` +
        (loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''));
      (type === 'error' ? found.consoleErrors : found.consoleWarnings)
        .push(entry);
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
  Object.assign(view, await page.evaluate(measure));
  view.verdictVisible = await page.locator('#verdict h1').isVisible();
  view.verdictContrast = contrast(view.verdictColor, view.verdictBackground);

  if(view.verdict !== opts.expect) {
    found.problems.push(where(
      `verdict ${JSON.stringify(view.verdict)}, expected ` +
      JSON.stringify(opts.expect)));
  }
  if(!view.verdictVisible) {
    found.problems.push(where('the verdict is not visible'));
  }
  // The first screen: the emulated screen, in CSS pixels (not innerWidth/
  // innerHeight, which grow when an overflowing page zooms out).
  const screen = contextOptions.viewport;
  const b = view.verdictBox;
  if(b && (b.top < 0 || b.bottom > screen.height || b.left < 0 ||
    b.right > screen.width)) {
    found.problems.push(where(
      `the verdict is not within the first screen: ${JSON.stringify(b)}`));
  }
  if(!layout) {
    // The same layout as the phone's; only the verdict matters here.
    await context.close();
    return view;
  }
  if(view.verdictContrast !== null && view.verdictContrast < 3) {
    found.problems.push(where(
      `verdict contrast ${view.verdictContrast}:1 is below 3:1 ` +
      `(${view.verdictColor} on ${view.verdictBackground})`));
  }
  if(firstScreen) {
    await shoot(page, firstScreen, false);
    view.firstScreenScreenshot = firstScreen;
  }
  // Layout is judged with every <details> open, so that folded content
  // (e.g. "Add to LinkedIn by hand") is checked and in the screenshot too.
  view.detailsOpened = await page.evaluate(() => {
    const all = [...document.querySelectorAll('details')];
    all.forEach(d => {
      d.open = true;
    });
    return all.length;
  });
  const opened = await page.evaluate(measure);
  for(const key of ['scrollWidth', 'clientWidth', 'pageHeight', 'tooWide',
    'outsideCard', 'brokenImages', 'layoutViewport']) {
    view[key] = opened[key];
  }
  if(view.scrollWidth > view.clientWidth) {
    found.problems.push(where(
      `the page scrolls sideways: ${view.scrollWidth}px wide in a ` +
      `${view.clientWidth}px viewport; too wide: ` +
      (view.tooWide.join('; ') || '?')));
  }
  for(const text of view.outsideCard) {
    found.problems.push(where(text));
  }
  for(const src of view.brokenImages) {
    found.problems.push(where(`image did not load: ${src}`));
  }
  if(screenshot) {
    await shoot(page, screenshot, true);
    view.screenshot = screenshot;
  }
  await context.close();
  return view;
}

async function main() {
  const opts = options();
  const found = {
    problems: [],
    consoleErrors: [],
    consoleWarnings: [],
    pageErrors: [],
    failedRequests: [],
    badResponses: [],
    foreignRequests: []
  };
  const result = {url: opts.url, expect: opts.expect, ok: false};
  const emit = code => {
    process.stdout.write(JSON.stringify({...result, ...found}) + '\n');
    return code;
  };

  // Playwright puts the profile and its artifacts under os.tmpdir(); give
  // it a folder of our own so nothing outlives the run.
  const tmp = mkdtempSync(join(tmpdir(), 'rosette-page-'));
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
        args: [
          ...CHROMIUM_ARGS,
          // Even with the flags above Chromium still looks up
          // accounts.google.com and update.googleapis.com; answer every
          // name but the page's own from inside the browser, so that no
          // DNS query leaves the machine.
          `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${opts.host}`
        ],
        timeout: 60_000
      });
    } catch(e) {
      found.problems.push(`cannot start Chromium at ${opts.chromium}: ` +
        String(e.message).split('\n')[0]);
      return emit(2);
    }
    result.browser = `${opts.chromium} ${browser.version()}`;
    result.views = {};
    const looks = [
      ['phone', PHONE, opts.screenshot, opts.firstScreenScreenshot, true],
      ['desktop', DESKTOP, opts.desktopScreenshot, null, true],
      ['nojs', {...PHONE, javaScriptEnabled: false}, null, null, false]
    ];
    for(const [name, contextOptions, screenshot, firstScreen, layout] of
      looks) {
      try {
        result.views[name] = await look({
          browser, opts, name, contextOptions, screenshot, firstScreen,
          layout, found
        });
      } catch(e) {
        found.problems.push(`${name}: ${String(e.message).split('\n')[0]}`);
      }
    }
    for(const [list, what] of [
      ['consoleErrors', 'console error'],
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
