// The pages people reported as broken on a 360×740 phone (issue 15): the attendance buttons fit on the
// screen, the scam-review pages do not scroll sideways, and "Hủy"/"Xóa" sit apart from the main buttons.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireAdmin, post, BACKEND } from './lib.mjs';

const COMMUNE = '19360'; // Phường Quảng Trị
const chromium = await launch();
after(() => chromium.close());


/** Nothing on the page reaches past the right edge of a 360 px screen. */
async function fits(phone) {
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${phone.page.url()} is ${width}px wide at 360px`);
}

test(`attendance, scam review and cancel/delete buttons at 360 px [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const tag = Math.random().toString(36).slice(2, 7);
  const boss = await chromium.person();
  await boss.signIn(admin.phone, admin.password);
  await post(boss, '/quan-ly/dia-diem', { commune: COMMUNE, kind: 'school', name: `Trường ${tag}`, address: 'Đường Lê Lợi', capacity: '40' });
  const venuesHtml = await (await boss.context.request.get(`/quan-ly/dia-diem?xa=${COMMUNE}`)).text();
  const venue = venuesHtml.match(new RegExp(`/quan-ly/dia-diem/([0-9a-f-]{36})">Trường ${tag}<`))[1];
  const code = (await post(boss, '/quan-ly/lop/moi', {
    commune: COMMUNE, title: `Lớp VNeID ${tag}`, courses: 'vneid', mode: 'in_person', venue,
    target_group: 'nguoi-dan', capacity: '20', status: 'open', how_to_join: 'Đến trực tiếp.',
  })).headers().location.split('/').pop();
  const day = new Date(Date.now() - 86400000 + 7 * 3600000).toISOString().slice(0, 10);
  await post(boss, `/quan-ly/lop/${code}/buoi`, { date: day, start: '09:00', duration: '90' });
  const later = new Date(Date.now() + 7 * 86400000 + 7 * 3600000).toISOString().slice(0, 10);
  await post(boss, `/quan-ly/lop/${code}/buoi`, { date: later, start: '09:00', duration: '90' });
  // A long name is the hard case for a row of buttons.
  await post(boss, `/quan-ly/lop/${code}/dang-ky-ho`, {
    who: 'new', full_name: `Nguyễn Thị Phương Hoàng Khánh Linh ${tag}`, sex: 'nu', ethnic_group: 'Kinh',
    commune: COMMUNE, target_group: 'nguoi-dan', consent_in_person: 'yes',
  });
  const classHtml = await (await boss.context.request.get(`/quan-ly/lop/${code}`)).text();
  const session = classHtml.match(new RegExp(`/quan-ly/lop/${code}/buoi/([0-9a-f-]{36})"`))[1];

  // Attendance: both buttons of every row are wholly on the screen, and big enough to tap, also at the
  // largest text size (A++), which people with poor sight use.
  const attendance = `/quan-ly/lop/${code}/buoi/${session}`;
  for (const size of ['0', '2']) {
    await boss.visit(`/cai-dat?size=${size}&next=${encodeURIComponent(attendance)}`);
    assert.equal(new URL(boss.page.url()).pathname, attendance);
    await fits(boss);
    const buttons = await boss.page.locator('tr[data-row] button').evaluateAll((bs) => bs.map((b) => {
      const r = b.getBoundingClientRect();
      return { left: r.left, right: r.right, height: r.height, text: b.innerText };
    }));
    assert.ok(buttons.length >= 2);
    for (const b of buttons) {
      assert.ok(b.left >= 0 && b.right <= 360, `size ${size}: "${b.text}" spans ${b.left}–${b.right}px at 360px`);
      assert.ok(b.height >= 44, `"${b.text}" is ${b.height}px tall`);
    }
  }
  await boss.visit(`/cai-dat?size=0&next=${encodeURIComponent(attendance)}`);

  // The class's sessions: each "Điểm danh" button is on the screen, not past the edge of the table.
  await boss.visit(`/quan-ly/lop/${code}`);
  await fits(boss);
  const takes = await boss.page.locator('main a.button[href*="/buoi/"]').evaluateAll((as) => as.map((a) => {
    const r = a.getBoundingClientRect();
    return { left: r.left, right: r.right };
  }));
  assert.ok(takes.length >= 2);
  for (const t of takes) assert.ok(t.left >= 0 && t.right <= 360, `"Điểm danh" spans ${t.left}–${t.right}px at 360px`);
  // "Xóa" a session is apart from "Điểm danh", and not styled like it.
  const gap = await boss.page.evaluate(() => {
    const del = document.querySelector('form[data-confirm][action$="/xoa"] button');
    const main = del.closest('td').querySelector('a.button');
    const a = main.getBoundingClientRect(), b = del.getBoundingClientRect();
    return {
      vertical: b.top - a.bottom,
      horizontal: Math.max(b.left - a.right, a.left - b.right),
      sameColour: getComputedStyle(del).backgroundColor === getComputedStyle(main).backgroundColor,
    };
  });
  assert.ok(gap.vertical >= 16 || gap.horizontal >= 32, `"Xóa" is ${JSON.stringify(gap)} from "Điểm danh"`);
  assert.equal(gap.sameColour, false, '"Xóa" does not look like the main button');
  // "Hủy" a learner's place likewise sits apart from the result's "Lưu".
  const cancelGap = await boss.page.evaluate(() => {
    const cancel = document.querySelector('form[data-confirm][action*="/huy/"] button');
    const a = cancel.getBoundingClientRect();
    return [...document.querySelectorAll('main button, main a.button')].filter((b) => !b.closest('form[data-confirm]'))
      .map((b) => b.getBoundingClientRect())
      .map((r) => Math.max(r.top - a.bottom, a.top - r.bottom, r.left - a.right, a.left - r.right))
      .reduce((m, d) => Math.min(m, d), Infinity);
  });
  assert.ok(cancelGap >= 16, `"Hủy" is ${cancelGap}px from another button`);

  // The scam review: a report with a long unbroken link, then the list and the report page.
  const visitor = await chromium.person();
  await visitor.visit('/kiem-tra');
  const long = `Chúc mừng bạn trúng thưởng 50.000.000đ! Nhận ngay tại https://nhan-thuong-${tag}.example.com/${'x'.repeat(120)}?ma=${tag} trước 24h.`;
  await post(visitor, '/kiem-tra/bao-cao', { text: long, commune: COMMUNE });
  await visitor.done();
  await boss.visit('/quan-ly/lua-dao');
  await fits(boss);
  const report = boss.page.locator(`main a[href^="/quan-ly/lua-dao/"]`, { hasText: 'Chúc mừng bạn trúng thưởng' }).first();
  await boss.clickAndLoad(report);
  await fits(boss);
  await boss.done();
});
