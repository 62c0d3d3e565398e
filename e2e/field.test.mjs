// Field work offline, on a phone: a team member opens their forms while online, loses the signal,
// records three activities, a household check and an attendance mark, sees "N chưa gửi", gets the signal
// back and sees everything sent exactly once. Every page is checked with axe-core (WCAG 2.2 AA).
//
// Environment: HV_BASE_URL (a running `hocvuso serve`), HV_ADMIN_PHONE and HV_ADMIN_PASSWORD (a province
// administrator). CHROMIUM overrides /usr/bin/chromium. Run: node --test e2e/field.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { AXE, AXE_TAGS } from './lib.mjs';

const BASE = (process.env.HV_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN_PHONE = process.env.HV_ADMIN_PHONE || '';
const ADMIN_PASSWORD = process.env.HV_ADMIN_PASSWORD || '';
const COMMUNE = '19360'; // Phường Quảng Trị
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'vi-VN', baseURL: BASE };

async function axe(page) {
  if (AXE) {
    const r = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    const report = r.violations
      .map((v) => `${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`)
      .join('\n');
    assert.equal(r.violations.length, 0, `axe on ${page.url()}:\n${report}`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${page.url()} scrolls sideways by ${overflow}px`);
}

async function csrf(ctx) {
  let c = (await ctx.cookies()).find((k) => k.name === 'hv_csrf');
  if (!c) {
    await ctx.request.get('/');
    c = (await ctx.cookies()).find((k) => k.name === 'hv_csrf');
  }
  return c.value;
}

/** A form post as the browser would send it; returns the response (redirects not followed). */
async function post(ctx, path, form) {
  const r = await ctx.request.post(path, { form: { ...form, csrf: await csrf(ctx) }, maxRedirects: 0 });
  assert.ok([200, 303].includes(r.status()), `${path} answered ${r.status()}: ${(await r.text()).slice(0, 500)}`);
  return r;
}

function freshPhone() {
  let d = '';
  for (let i = 0; i < 8; i++) d += Math.floor(Math.random() * 10);
  return `09${d}`;
}

// Yesterday in Vietnam (UTC+7): a session that has taken place, so its attendance can be taken (a mark on
// a session that has not started is refused).
function yesterday() {
  const t = new Date(Date.now() - 86400000 + 7 * 3600000);
  return t.toISOString().slice(0, 10);
}

test('field work offline on a phone: recorded, counted, synced exactly once, accessible', async () => {
  assert.ok(ADMIN_PHONE && ADMIN_PASSWORD, 'HV_ADMIN_PHONE and HV_ADMIN_PASSWORD must be set');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const tag = Math.random().toString(36).slice(2, 7);
    // ---- the commune admin sets things up (over HTTP, as the forms would) ---------------------------
    const admin = await browser.newContext({ baseURL: BASE });
    await post(admin, '/dang-nhap', { phone: ADMIN_PHONE, password: ADMIN_PASSWORD, next: '/tai-khoan' });
    const villageName = `Thôn Thử ${tag}`;
    await post(admin, `/quan-ly/don-vi/${COMMUNE}/them-thon`, { name: villageName, division_type: 'thôn' });
    const villages = await (await admin.request.get(`/api/v1/units/${COMMUNE}/children`)).json();
    const village = villages.find((v) => v.name === villageName).code;
    const teamRes = await post(admin, '/quan-ly/to', { unit: village, name: `Tổ CNS ${tag}` });
    const team = teamRes.headers().location.split('/').pop();
    await post(admin, '/quan-ly/dia-diem', { commune: COMMUNE, kind: 'school', name: `Trường ${tag}`, address: 'Đường Lê Lợi', capacity: '40' });
    const venuesHtml = await (await admin.request.get(`/quan-ly/dia-diem?xa=${COMMUNE}`)).text();
    const venue = venuesHtml.match(new RegExp(`/quan-ly/dia-diem/([0-9a-f-]{36})">Trường ${tag}<`))[1];
    const classRes = await post(admin, '/quan-ly/lop/moi', {
      commune: COMMUNE, title: `Lớp VNeID ${tag}`, courses: 'vneid', mode: 'in_person', venue,
      target_group: 'nguoi-dan', capacity: '20', status: 'open', how_to_join: 'Đến trực tiếp.',
    });
    const code = classRes.headers().location.split('/').pop();
    await post(admin, `/quan-ly/lop/${code}/buoi`, { date: yesterday(), start: '09:00', duration: '90' });
    await post(admin, `/quan-ly/lop/${code}/dang-ky-ho`, {
      who: 'new', full_name: `Bà Học Viên ${tag}`, sex: 'nu', ethnic_group: 'Kinh', village,
      target_group: 'nguoi-dan', consent_in_person: 'yes',
    });
    const classHtml = await (await admin.request.get(`/quan-ly/lop/${code}`)).text();
    const session = classHtml.match(new RegExp(`/quan-ly/lop/${code}/buoi/([0-9a-f-]{36})"`))[1];
    await post(admin, `/quan-ly/thon/${village}/ho`, { head_name: `Hồ Văn Chủ ${tag}`, address: 'Xóm Đồng', adults: '2' });
    const householdHtml = await (await admin.request.get(`/quan-ly/thon/${village}/ho`)).text();
    const household = householdHtml.match(/\/quan-ly\/ho\/([0-9a-f-]{36})"/)[1];

    // ---- the member signs up on their phone, through the real form -----------------------------------
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const phone = freshPhone();
    await page.goto('/dang-ky');
    await axe(page);
    await page.fill('#phone', phone);
    await page.fill('#password', 'cánh đồng lúa xanh');
    await page.fill('#password2', 'cánh đồng lúa xanh');
    await page.fill('#full_name', `Thành Viên ${tag}`);
    await page.selectOption('#ethnic_group', 'Tà Ôi');
    await page.check('input[name=sex][value=nam]');
    await page.selectOption('#commune', COMMUNE);
    await page.waitForSelector(`#village option[value="${village}"]`, { state: 'attached' });
    await page.selectOption('#village', village);
    await page.check('input[name=target_group][value=doan-vien]');
    await page.check('input[name=consent]');
    // The first submit button is the no-JavaScript "load villages" step (hidden here); send the form.
    await Promise.all([page.waitForURL(/tai-khoan/), page.locator('main form.form button[type=submit]').last().click()]);
    await axe(page);
    await post(admin, `/quan-ly/to/${team}/thanh-vien`, { phone, role: 'youth_union', joined_on: '2026-01-05' });
    await post(admin, `/quan-ly/lop/${code}/giang-vien`, { phone });
    // Both are invitations: the volunteer accepts them on their account page.
    for (let i = 0; i < 2; i++) {
      await page.goto('/tai-khoan');
      if (i === 0) await axe(page);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Nhận lời' }).first().click()]);
      await page.waitForURL(/quan-ly\/(to|lop)\//);
    }

    // ---- online: open the field pages once (the service worker keeps them) ---------------------------
    await page.goto('/hien-truong');
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
    const activityPath = `/quan-ly/to/${team}/hoat-dong`;
    const householdPath = `/quan-ly/ho/${household}`;
    const attendancePath = `/quan-ly/lop/${code}/buoi/${session}`;
    for (const path of ['/hien-truong', `/quan-ly/to/${team}`, activityPath, householdPath, attendancePath, '/chua-gui', '/lop-hoc', '/to-cong-nghe-so']) {
      const r = await page.goto(path);
      assert.equal(r.status(), 200, path);
      await axe(page);
    }

    // ---- no signal -----------------------------------------------------------------------------------
    await ctx.setOffline(true);
    const status = page.locator('.outbox-status');
    await page.goto(activityPath);
    assert.equal(await page.locator('h1').innerText(), 'Ghi hoạt động');
    for (let i = 1; i <= 3; i++) {
      await page.check('input[name=kinds][value=vneid_install]');
      await page.fill('#a-notes', `E2E hoạt động ${i} ${tag}`);
      await page.click('form[data-sync=activity] button[type=submit]');
      await assert.doesNotReject(status.filter({ hasText: `${i} chưa gửi` }).waitFor({ timeout: 5000 }));
    }
    await axe(page);
    await page.goto(householdPath);
    await page.check('input[name=items][value=vneid_installed]');
    await page.click('form[data-sync=household_checks] button[type=submit]');
    await status.filter({ hasText: '4 chưa gửi' }).waitFor({ timeout: 5000 });
    await axe(page);
    await page.goto(attendancePath);
    await page.locator('tr[data-row] form[data-mark=present] button').first().click();
    await status.filter({ hasText: '5 chưa gửi' }).waitFor({ timeout: 5000 });
    assert.equal(await page.locator('tr[data-row]').first().getAttribute('data-state'), 'present');
    await axe(page);
    await page.goto('/chua-gui');
    assert.equal(await page.locator('#outbox li').count(), 5);
    await axe(page);

    // ---- the signal returns: the outbox empties by itself --------------------------------------------
    await ctx.setOffline(false);
    await status.filter({ hasText: '0 chưa gửi' }).waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#outbox li').count(), 0);

    // Exactly once: each activity appears once, the tick and the mark are stored.
    const countOnTeamPage = async () => {
      await page.goto(`/quan-ly/to/${team}`);
      const text = await page.locator('main').innerText();
      return [1, 2, 3].map((i) => text.split(`E2E hoạt động ${i} ${tag}`).length - 1);
    };
    assert.deepEqual(await countOnTeamPage(), [1, 1, 1]);
    await axe(page);
    await page.goto(householdPath);
    assert.ok(await page.locator('input[name=items][value=vneid_installed]').isChecked());
    await page.goto(attendancePath);
    assert.equal(await page.locator('tr[data-row]').first().getAttribute('data-state'), 'present');
    assert.equal((await page.locator('#present-count').innerText()).trim(), '1');
    // Coming back later (a reload, another flush) sends nothing again.
    await page.goto('/chua-gui');
    await status.filter({ hasText: '0 chưa gửi' }).waitFor({ timeout: 5000 });
    assert.deepEqual(await countOnTeamPage(), [1, 1, 1]);
    const coverage = await (await admin.request.get(`/quan-ly/xa/${COMMUNE}/bao-phu`)).text();
    const row = coverage.split(`/quan-ly/thon/${village}/ho`)[1].split('</tr>')[0];
    assert.match(row, /100%/, 'the one household has VNeID');
    await page.goto(`/quan-ly/xa/${COMMUNE}/bao-phu`);
    await axe(page);
    assert.deepEqual(errors, []);
    await ctx.close();
    await admin.close();
  } finally {
    await browser.close();
  }
});
