// A phone that comes back with more than the way to the server takes at once (issue 20): the server, or
// a proxy in front of it with a smaller limit, answers 413. field.js must split the batch in half until
// the parts pass, send every part, and keep nothing twice. Here the page's requests pass a stand-in for
// such a proxy that refuses batches of more than four items, the way nginx's client_max_body_size does.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireAdmin, post, BACKEND } from './lib.mjs';

const COMMUNE = '19360'; // Phường Quảng Trị
const LIMIT = 4;
const HOUSEHOLDS = 13;
const chromium = await launch();
after(() => chromium.close());

test(`a batch refused as too big is split, sent in parts and stored once [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const tag = Math.random().toString(36).slice(2, 7);
  const me = await chromium.person({ serviceWorkers: 'block' });
  await post(me, '/dang-nhap', { phone: admin.phone, password: admin.password, next: '/tai-khoan' });
  const villageName = `Thôn Chia Gói ${tag}`;
  await post(me, `/quan-ly/don-vi/${COMMUNE}/them-thon`, { name: villageName, division_type: 'thôn' });
  const villages = await (await me.context.request.get(`/api/v1/units/${COMMUNE}/children`)).json();
  const village = villages.find((v) => v.name === villageName).code;
  const villagePath = `/quan-ly/thon/${village}/ho`;
  const p = me.page;
  await me.visit(villagePath);

  // No signal: one household through the form, then the rest of a day's work the same shape.
  await me.context.setOffline(true);
  await p.locator('#h-head').fill(`Hộ ${tag} 0`);
  await p.locator('#h-address').fill('Xóm Giữa');
  await p.locator('form[data-sync=household] button[type=submit]').click();
  const status = p.locator('.outbox-status');
  await status.filter({ hasText: '1 chưa gửi' }).waitFor({ timeout: 5000 });
  await p.evaluate(({ tag, n }) => new Promise((resolve, reject) => {
    const open = indexedDB.open('hocvuso-field', 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const store = open.result.transaction('outbox', 'readwrite').objectStore('outbox');
      const all = store.getAll();
      all.onsuccess = () => {
        const first = all.result[0];
        for (let i = 1; i < n; i++) {
          store.put({ ...first, client_id: crypto.randomUUID(), device_time: first.device_time + i,
            label: `${first.label} ${i}`, data: { ...first.data, head_name: `Hộ ${tag} ${i}` } });
        }
        store.transaction.oncomplete = () => resolve();
      };
    };
  }), { tag, n: HOUSEHOLDS });

  const refused = [], passed = [];
  await p.route('**/api/v1/sync', async (route) => {
    const ids = route.request().postDataJSON().items.map((i) => i.client_id);
    if (ids.length > LIMIT) {
      refused.push(ids.length);
      return route.fulfill({
        status: 413,
        contentType: 'application/json',
        body: JSON.stringify({ error: { status: 413, message: 'Gói quá lớn: gửi ít mục hơn.' } }),
      });
    }
    passed.push(...ids);
    return route.continue();
  });

  // The signal returns.
  await me.context.setOffline(false);
  await status.filter({ hasText: '0 chưa gửi' }).waitFor({ timeout: 20000 });

  assert.ok(refused.length > 0 && refused[0] === HOUSEHOLDS, `the whole outbox was tried first: ${refused}`);
  assert.equal(passed.length, HOUSEHOLDS, `each item went through once: ${passed.length}`);
  assert.equal(new Set(passed).size, HOUSEHOLDS);
  // The 413s were the stand-in proxy's, and expected.
  me.problems = me.problems.filter((x) => !/api\/v1\/sync answered 413/.test(x));

  await p.unroute('**/api/v1/sync');
  await me.visit(villagePath);
  const html = await p.content();
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const name = `Hộ ${tag} ${i}<`;
    assert.equal(html.split(name).length - 1, 1, `${name} is listed once`);
  }
  await me.done();
});
