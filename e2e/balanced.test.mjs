// Two app servers behind nginx (e2e/run.sh "balanced": round-robin, no sticky sessions, one PostgreSQL
// database). nginx names the server that answered in X-Hv-Upstream. A person signed in on one server
// stays signed in on the other, and a sync batch that reaches both servers (a phone resending after a
// lost answer) is stored once. The rest of e2e/ runs through the same nginx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { BASE, BACKEND, requireAdmin } from './lib.mjs';

const COMMUNE = '19360'; // Phường Quảng Trị

async function csrf(ctx) {
  let c = (await ctx.cookies()).find((k) => k.name === 'hv_csrf');
  if (!c) {
    await ctx.request.get('/');
    c = (await ctx.cookies()).find((k) => k.name === 'hv_csrf');
  }
  return c.value;
}

const upstream = (r) => r.headers()['x-hv-upstream'] || '';

test('two servers behind nginx: one sign-in for both, a resent batch stored once', { skip: BACKEND !== 'balanced' && 'only behind the balancer (e2e/run.sh balanced)' }, async () => {
  const admin = requireAdmin();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const ctx = await browser.newContext({ baseURL: BASE });
    const signIn = await ctx.request.post('/dang-nhap', {
      form: { phone: admin.phone, password: admin.password, next: '/tai-khoan', csrf: await csrf(ctx) },
      maxRedirects: 0,
    });
    assert.equal(signIn.status(), 303, `sign-in answered ${signIn.status()}`);
    const signedInOn = upstream(signIn);
    assert.ok(signedInOn, 'nginx names the server that answered');

    // The next requests alternate between the servers; every one knows the person.
    const seen = new Set([signedInOn]);
    for (let i = 0; i < 6; i++) {
      const r = await ctx.request.get('/tai-khoan', { maxRedirects: 0 });
      assert.equal(r.status(), 200, `account page on ${upstream(r)} answered ${r.status()}`);
      assert.ok((await r.text()).includes(admin.name), `signed in on ${upstream(r)}`);
      seen.add(upstream(r));
    }
    assert.equal(seen.size, 2, `both servers answered the signed-in person: ${[...seen].join(', ')}`);

    // A village to record in, made with the form.
    const tag = Math.random().toString(36).slice(2, 7);
    const villageName = `Thôn Cân Bằng ${tag}`;
    const made = await ctx.request.post(`/quan-ly/don-vi/${COMMUNE}/them-thon`, {
      form: { name: villageName, division_type: 'thôn', csrf: await csrf(ctx) },
      maxRedirects: 0,
    });
    assert.ok([200, 303].includes(made.status()), `village form answered ${made.status()}`);
    const villages = await (await ctx.request.get(`/api/v1/units/${COMMUNE}/children`)).json();
    const village = villages.find((v) => v.name === villageName)?.code;
    assert.ok(village, 'the new village is listed by either server');

    // One batch, sent twice in a row: round-robin gives each copy to a different server.
    const headName = `Hộ Gửi Lại ${tag}`;
    const batch = {
      items: [{ client_id: randomUUID(), kind: 'household', data: { village, head_name: headName, address: 'Xóm Giữa', adults: 2 } }],
    };
    const send = () => ctx.request.post('/api/v1/sync', { data: batch, headers: { 'Sec-Fetch-Site': 'same-origin' } });
    const first = await send();
    const second = await send();
    assert.equal(first.status(), 200, `first copy: ${await first.text()}`);
    assert.equal(second.status(), 200, `second copy: ${await second.text()}`);
    assert.notEqual(upstream(first), upstream(second), 'the two copies reached different servers');
    const [a] = (await first.json()).results;
    const [b] = (await second.json()).results;
    assert.equal(a.status, 'created', JSON.stringify(a));
    assert.equal(b.status, 'duplicate', JSON.stringify(b));
    assert.equal(b.record_id, a.record_id, 'the resend points at the stored record');
    const list = await (await ctx.request.get(`/quan-ly/thon/${village}/ho`)).text();
    assert.equal(list.split(headName).length - 1, 1, 'the household is listed once');
    await ctx.close();
  } finally {
    await browser.close();
  }
});
