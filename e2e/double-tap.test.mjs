// Issue 12: a quick double tap on a write form stores one record. An administrator on a phone adds a
// venue and taps "Lưu" twice in quick succession (the browser sends the form twice); the venue list
// then shows it once, and the page the second tap lands on is the same confirmation as the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireAdmin, BACKEND } from './lib.mjs';

const COMMUNE = '19360'; // Phường Quảng Trị

test(`a double tap on a write form stores one record [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const app = await launch();
  try {
    const phone = await app.person();
    await phone.signIn(admin.phone, admin.password);
    const list = `/quan-ly/dia-diem?xa=${COMMUNE}`;
    await phone.visit(list);
    const page = phone.page;
    const name = `Nhà văn hóa chạm hai lần ${Date.now() % 100000}`;
    const form = page.locator('main form[action="/quan-ly/dia-diem"]');
    await form.locator('#v-name').fill(name);
    await form.locator('#v-address').fill('Khu phố 1');
    await form.locator('#v-capacity').fill('40');

    const posts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/quan-ly/dia-diem') posts.push(r);
    });
    // Two taps 60 ms apart: the first has started its request when the second submits the form again.
    const button = form.locator('button[type=submit]');
    await Promise.all([page.waitForEvent('framenavigated'), button.dblclick({ delay: 10 })]);
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    assert.ok(posts.length >= 2, `the browser sent the form ${posts.length} time(s); a double tap sends it twice`);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, list, 'the confirmation is the venue list');
    await phone.check();

    // The list shows the venue once.
    await phone.visit(list);
    const rows = await page.locator('main table tbody tr', { hasText: name }).count();
    assert.equal(rows, 1, `"${name}" is listed ${rows} times`);
    await phone.done();
  } finally {
    await app.close();
  }
});
