// Shared helpers for the browser tests: Debian's Chromium through playwright-core, a phone-sized page,
// an axe-core scan of every page the test visits, and signing in. Every e2e/*.test.mjs file imports this.
//
// Environment (set by e2e/run.sh): HV_BASE_URL (the running app); HV_ADMIN_PHONE, HV_ADMIN_PASSWORD and
// HV_ADMIN_NAME (a province administrator created with `hocvuso admin create`); HV_BACKEND (sqlite,
// postgres, or balanced: two servers behind nginx; for messages). CHROMIUM overrides the browser path; HV_SCREENSHOTS=dir keeps a PNG of each page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE = (process.env.HV_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const ADMIN = {
  phone: process.env.HV_ADMIN_PHONE || '',
  password: process.env.HV_ADMIN_PASSWORD || '',
  name: process.env.HV_ADMIN_NAME || '',
};
export const BACKEND = process.env.HV_BACKEND || 'unknown';
/** The phone the issue names: the smallest common Android screen. */
export const PHONE_VIEWPORT = { width: 360, height: 740 };
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/**
 * HV_AXE=0 (run.sh sets it for the two-server run): pages are still checked for errors and sideways
 * scrolling, but not scanned by axe-core. The markup comes from the same templates on every backend, and
 * the SQLite run scans every page; the scan was half of the two-server run's time in CI.
 */
export const AXE = process.env.HV_AXE !== '0';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps trying to reach Google's hosts, which this network refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's /usr/bin/chromium. Playwright gives every launch a fresh, empty profile (a temporary
 * --user-data-dir it deletes on close), and every person below gets their own context on top of it, so
 * cookies never leak between a visitor and the admin.
 * (Never `npx playwright install`: it downloads a browser build, which this network forbids.)
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    browser,
    /** A new person on a phone: their own cookies, a 360×740 touch screen, Vietnamese locale. */
    async person(opts = {}) {
      const ctx = await browser.newContext(phoneContextOptions(opts));
      return new Phone(ctx, await ctx.newPage());
    },
    async close() {
      await browser.close();
    },
  };
}

function phoneContextOptions(opts) {
  return {
    viewport: PHONE_VIEWPORT,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: opts.locale || 'vi-VN',
    baseURL: BASE,
    // 'block' when a test routes the page's own requests: a page a service worker controls can send
    // them past the route.
    serviceWorkers: opts.serviceWorkers || 'allow',
  };
}

/**
 * One person's browser tab. Every page it lands on must be checked with `check()` (axe-core, no console
 * errors, no sideways scrolling at 360 px); `done()` fails the test if a visited page was never checked,
 * so a new test cannot quietly skip the accessibility scan.
 */
let phones = 0;

export class Phone {
  constructor(context, page) {
    this.context = context;
    this.page = page;
    this.visited = [];
    this.checked = new Set();
    this.problems = [];
    this.id = ++phones;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.visited.push(frame.url());
    });
    page.on('console', (msg) => {
      // CSP violations and script errors surface here; failed loads are reported with their URL below.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        this.problems.push(`console error on ${page.url()}: ${msg.text()}`);
      }
    });
    page.on('response', (resp) => {
      // A broken stylesheet, script or image on a page; documents are asserted by the test itself, and
      // the browser's own /favicon.ico probe is not something a page asked for.
      const req = resp.request();
      if (resp.status() >= 400 && !req.isNavigationRequest() && !resp.url().endsWith('/favicon.ico')) {
        this.problems.push(`${req.resourceType()} ${resp.url()} answered ${resp.status()} on ${page.url()}`);
      }
    });
    page.on('pageerror', (err) => this.problems.push(`script error on ${page.url()}: ${err.message}`));
  }

  /** Go to a path of the app and check the page (`{ axe: false }`: without the axe-core scan). */
  async visit(path, opts = {}) {
    const resp = await this.page.goto(path);
    assert.ok(resp, `no response for ${path}`);
    assert.ok(resp.status() < 400, `${path} answered ${resp.status()}`);
    await this.check(opts);
    return resp;
  }

  /** Click something that loads a new page (link or submit button), wait for it, check it. */
  async clickAndLoad(locator) {
    await Promise.all([this.page.waitForEvent('framenavigated'), locator.click()]);
    await this.page.waitForLoadState('load');
    await this.check();
  }

  /** axe-core with the WCAG 2.2 AA tags (unless HV_AXE=0), plus: no console/script errors, no horizontal
   * scroll at 360 px. */
  async check({ axe = true } = {}) {
    const page = this.page;
    await page.waitForLoadState('load');
    const url = page.url();
    if (AXE && axe) {
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      assert.equal(results.violations.length, 0, formatViolations(url, results.violations));
    }
    if (process.env.HV_SCREENSHOTS) await this.screenshot(url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${url} scrolls sideways by ${overflow}px at ${PHONE_VIEWPORT.width}px wide`);
    assert.deepEqual(this.problems, [], this.problems.join('\n'));
    this.checked.add(stripHash(url));
  }

  async screenshot(url) {
    const dir = process.env.HV_SCREENSHOTS;
    mkdirSync(dir, { recursive: true });
    const name = `${BACKEND}-p${this.id}-${String(this.visited.length).padStart(3, '0')}-${new URL(url).pathname.replace(/[^a-z0-9]+/gi, '_')}.png`;
    await this.page.screenshot({ path: join(dir, name), fullPage: true });
  }

  /** The visible text of the page's <h1>. */
  async heading() {
    return (await this.page.locator('h1').first().innerText()).trim();
  }

  /** Sign in through the form (the person must be signed out); lands wherever the app sends them. */
  async signIn(phone, password) {
    await this.visit('/dang-nhap');
    await this.page.locator('#phone').fill(phone);
    await this.page.locator('#password').fill(password);
    await this.clickAndLoad(this.page.locator('main form button[type=submit]'));
  }

  /** Go to `href` with the header as a person would: the one-line shortcuts if it is there, else the menu. */
  async nav(href) {
    const quick = this.page.locator(`header nav.quick a[href="${href}"]`);
    if (await quick.count()) {
      await this.clickAndLoad(quick);
      return;
    }
    await this.openMenu();
    await this.clickAndLoad(this.page.locator(`header details.menu a[href="${href}"]`));
  }

  /** Open the header's menu (a disclosure: works without JavaScript). */
  async openMenu() {
    const menu = this.page.locator('header details.menu');
    if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  }

  /** Sign out with the button in the header's menu. */
  async signOut() {
    await this.openMenu();
    await this.clickAndLoad(this.page.locator('header form[action="/dang-xuat"] button'));
  }

  /** The footer language switch ("Tiếng Việt" / "English"), as a person would use it. */
  async switchLanguage(code) {
    await this.clickAndLoad(this.page.locator(`footer a[hreflang="${code}"]`));
    assert.equal(await this.page.getAttribute('html', 'lang'), code);
  }

  /** Fails if any page this tab loaded was never checked. */
  async done() {
    const unchecked = [...new Set(this.visited.map(stripHash))].filter(
      (u) => u !== 'about:blank' && !this.checked.has(u),
    );
    await this.context.close();
    assert.deepEqual(unchecked, [], `pages visited without an accessibility check: ${unchecked.join(', ')}`);
  }
}

function stripHash(u) {
  return u.split('#')[0];
}

/** Readable axe output: rule, impact, what to fix, and each offending element with its selector. */
export function formatViolations(url, violations) {
  if (violations.length === 0) return '';
  const lines = [`${violations.length} accessibility violation(s) on ${url} [${BACKEND}]:`];
  for (const v of violations) {
    lines.push(`  ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`    at ${n.target.join(' ')}: ${n.html.slice(0, 160)}`);
      if (n.failureSummary) lines.push(`      ${n.failureSummary.replace(/\n/g, '\n      ')}`);
    }
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/** A Vietnamese mobile number nobody in this database has yet (09 + 8 random digits). */
export function freshPhone() {
  let digits = '';
  for (let i = 0; i < 8; i++) digits += Math.floor(Math.random() * 10);
  return `09${digits}`;
}

/** A form post as the browser sends it, from `phone`'s cookies (CSRF token included); redirects not
 * followed; anything but 200 or 303 fails the test with the answer's start. */
export async function post(phone, path, form) {
  let c = (await phone.context.cookies()).find((k) => k.name === 'hv_csrf');
  if (!c) {
    await phone.context.request.get('/');
    c = (await phone.context.cookies()).find((k) => k.name === 'hv_csrf');
  }
  const r = await phone.context.request.post(path, { form: { ...form, csrf: c.value }, maxRedirects: 0 });
  assert.ok([200, 303].includes(r.status()), `${path} answered ${r.status()}: ${(await r.text()).slice(0, 300)}`);
  return r;
}

/** Require the admin credentials run.sh provides; a clear message instead of a confusing failure. */
export function requireAdmin() {
  assert.ok(ADMIN.phone && ADMIN.password, 'HV_ADMIN_PHONE and HV_ADMIN_PASSWORD must be set (e2e/run.sh sets them)');
  return ADMIN;
}
