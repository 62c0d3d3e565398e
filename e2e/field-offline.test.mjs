// Field work offline without holes (issue 15): with no signal a volunteer adds a household and logs help
// for it in the same visit, takes attendance, reloads the page and still sees the marks, and reads in the
// outbox, in order, what each item is. When the signal returns each is stored exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireAdmin, freshPhone, post, BACKEND } from './lib.mjs';

const COMMUNE = '19360'; // Phường Quảng Trị
const PASSWORD = 'Mùa lúa mới về làng';
const chromium = await launch();
after(() => chromium.close());


function yesterday() {
  return new Date(Date.now() - 86400000 + 7 * 3600000).toISOString().slice(0, 10);
}

/** "2026-12-05" → "05/12/2026", as the pages write dates. */
function vnDate(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

test(`a household added offline gets help logged in the same visit; marks survive a reload; stored once [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const tag = Math.random().toString(36).slice(2, 7);

  // ---- the province admin sets up a village, a team, a class with a session and a learner ------------
  const boss = await chromium.person();
  await post(boss, '/dang-nhap', { phone: admin.phone, password: admin.password, next: '/tai-khoan' });
  const villageName = `Thôn Ngoại Tuyến ${tag}`;
  await post(boss, `/quan-ly/don-vi/${COMMUNE}/them-thon`, { name: villageName, division_type: 'thôn' });
  const villages = await (await boss.context.request.get(`/api/v1/units/${COMMUNE}/children`)).json();
  const village = villages.find((v) => v.name === villageName).code;
  const team = (await post(boss, '/quan-ly/to', { unit: village, name: `Tổ CNS ${tag}` })).headers().location.split('/').pop();
  await post(boss, '/quan-ly/dia-diem', { commune: COMMUNE, kind: 'school', name: `Trường ${tag}`, address: 'Đường Lê Lợi', capacity: '40' });
  const venuesHtml = await (await boss.context.request.get(`/quan-ly/dia-diem?xa=${COMMUNE}`)).text();
  const venue = venuesHtml.match(new RegExp(`/quan-ly/dia-diem/([0-9a-f-]{36})">Trường ${tag}<`))[1];
  const code = (await post(boss, '/quan-ly/lop/moi', {
    commune: COMMUNE, title: `Lớp VNeID ${tag}`, courses: 'vneid', mode: 'in_person', venue,
    target_group: 'nguoi-dan', capacity: '20', status: 'open', how_to_join: 'Đến trực tiếp.',
  })).headers().location.split('/').pop();
  const day = yesterday();
  await post(boss, `/quan-ly/lop/${code}/buoi`, { date: day, start: '09:00', duration: '90' });
  const learner = `Kăn Thị Bích ${tag}`;
  await post(boss, `/quan-ly/lop/${code}/dang-ky-ho`, {
    who: 'new', full_name: learner, sex: 'nu', ethnic_group: 'Tà Ôi', village,
    target_group: 'nguoi-dan', consent_in_person: 'yes',
  });
  const classHtml = await (await boss.context.request.get(`/quan-ly/lop/${code}`)).text();
  const session = classHtml.match(new RegExp(`/quan-ly/lop/${code}/buoi/([0-9a-f-]{36})"`))[1];

  // ---- the volunteer: an account, a place in the team, teaching the class ---------------------------
  const me = await chromium.person();
  const number = freshPhone();
  await post(me, '/dang-ky', {
    phone: number, password: PASSWORD, password2: PASSWORD, full_name: `Tình Nguyện ${tag}`, sex: 'nam',
    ethnic_group: 'Tà Ôi', commune: COMMUNE, target_group: 'doan-vien', consent: 'yes',
  });
  await post(boss, `/quan-ly/to/${team}/thanh-vien`, { phone: number, role: 'youth_union', joined_on: '2026-01-05' });
  await post(boss, `/quan-ly/lop/${code}/giang-vien`, { phone: number });
  for (let i = 0; i < 2; i++) {
    await me.visit('/tai-khoan');
    await me.clickAndLoad(me.page.getByRole('button', { name: 'Nhận lời' }).first());
  }
  const p = me.page;

  // Online once: the pages the volunteer will need are kept by the service worker.
  await me.visit('/hien-truong');
  await p.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
  const villagePath = `/quan-ly/thon/${village}/ho`;
  const activityPath = `/quan-ly/to/${team}/hoat-dong`;
  const attendancePath = `/quan-ly/lop/${code}/buoi/${session}`;
  for (const path of [villagePath, activityPath, attendancePath, '/chua-gui']) await me.visit(path);

  // ---- no signal ---------------------------------------------------------------------------------------
  await me.context.setOffline(true);
  const status = p.locator('.outbox-status');
  const head = `Hồ Văn Mới ${tag}`;
  await me.visit(villagePath);
  await p.locator('#h-head').fill(head);
  await p.locator('#h-address').fill('Xóm Suối');
  await p.locator('form[data-sync=household] button[type=submit]').click();
  await status.filter({ hasText: '1 chưa gửi' }).waitFor({ timeout: 5000 });
  // At once in the village's list.
  await p.locator('#pending-households li', { hasText: head }).waitFor({ timeout: 5000 });
  await me.check();

  // The same visit: the activity form offers the new household.
  await me.visit(activityPath);
  const option = p.locator('#a-household option', { hasText: head });
  assert.equal(await option.count(), 1, 'the household added offline can be chosen');
  const offlineId = await option.getAttribute('value');
  await p.locator('#a-household').selectOption(offlineId);
  await p.locator('input[name=kinds][value=vneid_install]').check();
  const notes = `Giúp hộ mới ${tag}`;
  await p.locator('#a-notes').fill(notes);
  await p.locator('form[data-sync=activity] button[type=submit]').click();
  await status.filter({ hasText: '2 chưa gửi' }).waitFor({ timeout: 5000 });

  // Attendance, then a reload: the mark is still shown.
  await me.visit(attendancePath);
  await p.locator('tr[data-row]', { hasText: learner }).locator('form[data-mark=present] button').click();
  await status.filter({ hasText: '3 chưa gửi' }).waitFor({ timeout: 5000 });
  await p.reload();
  await me.check();
  await status.filter({ hasText: '3 chưa gửi' }).waitFor({ timeout: 5000 });
  const row = p.locator('tr[data-row]', { hasText: learner });
  await p.waitForFunction((name) => [...document.querySelectorAll('tr[data-row]')]
    .some((r) => r.textContent.includes(name) && r.dataset.state === 'present'), learner, { timeout: 5000 });
  assert.equal(await row.locator('td[data-mark]').innerText(), 'Có mặt');
  assert.equal((await p.locator('#present-count').innerText()).trim(), '1');
  // The activity form still offers the household after a reload too.
  await me.visit(activityPath);
  await p.locator('#a-household option', { hasText: head }).waitFor({ state: 'attached', timeout: 5000 });

  // The outbox: in the order they were done, each saying what it is.
  await me.visit('/chua-gui');
  await p.locator('#outbox li').nth(2).waitFor({ timeout: 5000 });
  const lines = await p.locator('#outbox li').allInnerTexts();
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0], new RegExp(`Thêm hộ .*${head}`));
  assert.match(lines[1], new RegExp(`Ghi hoạt động .*${head}`));
  assert.ok(lines[2].includes(`Điểm danh ${learner} (Có mặt), buổi ${vnDate(day)}`), lines[2]);

  // ---- the signal returns: everything goes, once ------------------------------------------------------
  await me.context.setOffline(false);
  await status.filter({ hasText: '0 chưa gửi' }).waitFor({ timeout: 15000 });
  await me.visit('/chua-gui');
  await status.filter({ hasText: '0 chưa gửi' }).waitFor({ timeout: 5000 });
  const villageHtml = await (await boss.context.request.get(villagePath)).text();
  assert.equal(villageHtml.split(head).length - 1, 1, 'the household is stored once');
  const household = villageHtml.match(new RegExp(`/quan-ly/ho/([0-9a-f-]{36})">${head}<`))[1];
  assert.equal(household, offlineId, 'the household keeps the id the phone gave it');
  const teamText = await (await boss.context.request.get(`/quan-ly/to/${team}`)).text();
  assert.equal(teamText.split(notes).length - 1, 1, 'the activity is stored once');
  const item = teamText.split(notes)[0].split('<tr>').pop();
  assert.ok(item.includes(head), 'the activity names the household added offline');
  const attendance = await (await boss.context.request.get(attendancePath)).text();
  assert.match(attendance, /<span id="present-count">1<\/span>/);
  await me.done();
  await boss.done();
});
