// Issue 12: a double tap on a write form stores one record. An administrator on a phone adds a venue
// and taps "Lưu" twice; the same submission (same client id) is then sent once more, as a second tap on
// a slower phone or a retry after a lost answer sends it. It is answered with the same confirmation, and
// the venue list shows the venue once.
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

    // The form as the phone sends it (with the client id the page gave it), kept to send again below.
    const body = await form.evaluate((f) => new URLSearchParams(new FormData(f)).toString());
    assert.ok(/client_id=[0-9a-f-]{36}/.test(body), 'the form carries a client id');
    // A double tap. (Chromium itself drops an identical second submission while the first is pending;
    // a slower phone, another browser or a retry on a flaky link sends it again, as below.)
    const button = form.locator('button[type=submit]');
    await Promise.all([page.waitForEvent('framenavigated'), button.dblclick()]);
    await page.waitForLoadState('load');
    // The same submission again, as the second tap or a retry after a lost answer would send it.
    const again = await phone.context.request.post('/quan-ly/dia-diem', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: body,
      maxRedirects: 0,
    });
    assert.equal(again.status(), 303, `the second copy answered ${again.status()}`);
    assert.equal(again.headers().location, list, 'the second copy gets the same confirmation');
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
