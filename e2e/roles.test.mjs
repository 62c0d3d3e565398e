// Walk the role, not the page: on a 360×740 phone, each person signs in from the header and must reach
// their main task in at most two taps from where they land; the header stays one line of shortcuts plus a
// menu, also at the largest text size; the home page's first screen offers the three main actions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireAdmin, freshPhone, BACKEND, PHONE_VIEWPORT } from './lib.mjs';

const COMMUNE = '19360'; // Phường Quảng Trị
const PASSWORD = 'Mùa lúa mới về làng';
const chromium = await launch();
after(() => chromium.close());

/** A form post as the browser sends it, from `phone`'s cookies; redirects not followed. */
async function post(phone, path, form) {
  const csrf = (await phone.context.cookies()).find((k) => k.name === 'hv_csrf').value;
  const r = await phone.context.request.post(path, { form: { ...form, csrf }, maxRedirects: 0 });
  assert.ok([200, 303].includes(r.status()), `${path} answered ${r.status()}: ${(await r.text()).slice(0, 300)}`);
  return r;
}

/** A new person with an account in the commune, signed out again, on their own phone. */
async function newPerson(name) {
  const phone = await chromium.person();
  phone.number = freshPhone();
  await phone.visit('/');
  await post(phone, '/dang-ky', {
    phone: phone.number, password: PASSWORD, password2: PASSWORD, full_name: name, sex: 'nu', ethnic_group: 'Tà Ôi',
    commune: COMMUNE, target_group: 'nguoi-dan', consent: 'yes',
  });
  await post(phone, '/dang-xuat', {});
  return phone;
}

/** Sign in from the header's link, as a person who just opened the app would. */
async function signInFromHeader(phone) {
  await phone.visit('/');
  await phone.nav('/dang-nhap');
  await phone.page.locator('#phone').fill(phone.number);
  await phone.page.locator('#password').fill(phone.password || PASSWORD);
  await phone.clickAndLoad(phone.page.locator('main form button[type=submit]'));
  return new URL(phone.page.url()).pathname;
}

/** The header: brand and menu button, then one line of shortcuts; its share of the screen. */
async function headerShape(phone) {
  return phone.page.evaluate(() => {
    const tops = [...document.querySelectorAll('header nav.quick li')].map((li) => Math.round(li.getBoundingClientRect().top));
    return {
      rows: new Set(tops).size,
      share: document.querySelector('header').getBoundingClientRect().height / window.innerHeight,
    };
  });
}

test(`each role lands at its work and reaches it in two taps, on a phone [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const tag = Math.random().toString(36).slice(2, 7);

  // The province admin: lands on the hub, sees the commune's work there, and can open venues and a
  // new class in any commune (choosing which, since a province has many).
  const boss = await chromium.person();
  boss.number = admin.phone;
  boss.password = admin.password;
  assert.equal(await signInFromHeader(boss), '/quan-ly');
  assert.equal(await boss.page.locator('header nav.quick a[href="/quan-ly"]').getAttribute('aria-current'), 'page');
  await boss.clickAndLoad(boss.page.locator('main a.tile[href="/quan-ly/dia-diem"]'));
  await boss.page.locator('#pick-xa').selectOption(COMMUNE);
  await boss.clickAndLoad(boss.page.locator('main form[action="/quan-ly/dia-diem"] button'));
  assert.match(await boss.heading(), /Phường Quảng Trị/);
  await post(boss, '/quan-ly/dia-diem', { commune: COMMUNE, kind: 'school', name: `Trường ${tag}`, address: 'Đường Hùng Vương', capacity: '30' });
  await boss.visit('/quan-ly');
  await boss.clickAndLoad(boss.page.locator('main a.tile[href="/quan-ly/lop"]'));
  await boss.page.locator('#pick-xa').selectOption(COMMUNE);
  await boss.clickAndLoad(boss.page.locator('main form[action="/quan-ly/lop/moi"] button'));
  // Courses are picked from their titles, never typed as codes.
  const courseBox = boss.page.getByLabel('VNeID – định danh điện tử');
  assert.ok((await courseBox.count()) >= 1, 'the VNeID course is offered by its title');
  assert.equal(await boss.page.locator('input[name=courses][type=text]').count(), 0);
  await courseBox.first().check();
  await boss.page.locator('#c-title').fill(`Lớp điện thoại ${tag}`);
  await boss.page.locator('input[name=mode][value=in_person]').check();
  const venue = boss.page.locator('#c-venue option', { hasText: `Trường ${tag}` });
  await boss.page.locator('#c-venue').selectOption(await venue.getAttribute('value'));
  await boss.page.locator('#c-capacity').fill('20');
  await boss.clickAndLoad(boss.page.locator('main form.form button[type=submit]').last());
  const code = new URL(boss.page.url()).pathname.split('/').pop();
  assert.match(code, /^[A-Z0-9]{6}$/, `the class was created: ${boss.page.url()}`);
  const day = new Date(Date.now() - 86400000 + 7 * 3600000).toISOString().slice(0, 10);
  await post(boss, `/quan-ly/lop/${code}/buoi`, { date: day, start: '08:00', duration: '90' });
  const villageName = `Thôn Vai Trò ${tag}`;
  await post(boss, `/quan-ly/don-vi/${COMMUNE}/them-thon`, { name: villageName, division_type: 'thôn' });
  const villages = await (await boss.context.request.get(`/api/v1/units/${COMMUNE}/children`)).json();
  const village = villages.find((v) => v.name === villageName).code;
  const teamRes = await post(boss, '/quan-ly/to', { unit: village, name: `Tổ CNS ${tag}` });
  const team = teamRes.headers().location.split('/').pop();

  // The class page names its course by title and links to it.
  await boss.visit(`/lop-hoc/${code}`);
  assert.ok(await boss.page.locator('main a[href="/hoc/vneid"]').count(), 'the course is linked by title');

  // A volunteer and an instructor, invited by the admin, accept on their account page.
  const volunteer = await newPerson(`Tình Nguyện ${tag}`);
  const instructor = await newPerson(`Giảng Viên ${tag}`);
  await post(boss, `/quan-ly/to/${team}/thanh-vien`, { phone: volunteer.number, role: 'youth_union', joined_on: '2026-01-05' });
  await post(boss, `/quan-ly/lop/${code}/giang-vien`, { phone: instructor.number });
  for (const p of [volunteer, instructor]) {
    assert.equal(await signInFromHeader(p), '/', 'a learner lands on the home page');
    await p.visit('/tai-khoan');
    await p.clickAndLoad(p.page.getByRole('button', { name: 'Nhận lời' }).first());
    await p.signOut();
  }

  // The volunteer lands on field work; the team's activity form is one tap away.
  assert.equal(await signInFromHeader(volunteer), '/hien-truong');
  assert.equal(await volunteer.page.locator('header nav.quick a[href="/hien-truong"]').innerText(), 'Việc hiện trường');
  await volunteer.clickAndLoad(volunteer.page.locator(`main a[href="/quan-ly/to/${team}/hoat-dong"]`).first());
  assert.ok(await volunteer.page.locator('main form').count(), 'the activity form');

  // The instructor lands on "Lớp của tôi"; taking attendance is two taps away.
  assert.equal(await signInFromHeader(instructor), '/quan-ly/lop');
  assert.equal(await instructor.heading(), 'Lớp của tôi');
  await instructor.clickAndLoad(instructor.page.locator(`main a[href="/quan-ly/lop/${code}"]`));
  await instructor.clickAndLoad(instructor.page.locator(`main a[href^="/quan-ly/lop/${code}/buoi/"]`).first());
  assert.match(new URL(instructor.page.url()).pathname, new RegExp(`/quan-ly/lop/${code}/buoi/`));

  // The header at the largest text size: one line of shortcuts, a menu that holds the rest.
  for (const p of [volunteer, instructor, boss]) {
    await p.visit('/cai-dat?size=2&next=/');
    const shape = await headerShape(p);
    assert.equal(shape.rows, 1, 'the shortcuts stay on one line');
    assert.ok(shape.share <= 0.25, `the header takes ${(shape.share * 100).toFixed(0)}% of the screen at A++`);
    await p.openMenu();
    assert.ok(await p.page.locator('header details.menu form[action="/dang-xuat"] button').isVisible());
    await p.signOut();
    await p.done();
  }
});

test(`a visitor's first screen offers learning, the scam check and the assistant [${BACKEND}]`, async () => {
  const visitor = await chromium.person();
  await visitor.visit('/');
  for (const href of ['/hoc', '/kiem-tra', '/hoi-tro-ly']) {
    const box = await visitor.page.locator(`main .main-actions a[href="${href}"]`).boundingBox();
    assert.ok(box && box.y + box.height <= PHONE_VIEWPORT.height, `${href} is on the first screen`);
    assert.ok(box.height >= 44, `${href} is a large tap target`);
  }
  const shape = await headerShape(visitor);
  assert.equal(shape.rows, 1);
  await visitor.nav('/dang-nhap');
  assert.equal(await visitor.heading(), 'Đăng nhập');
  await visitor.done();
});
