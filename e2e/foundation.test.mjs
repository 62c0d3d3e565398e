// The foundation, as people use it on a 360×740 phone: a visitor signs up, signs out and back in; a
// province administrator finds them and grants a role for a commune; the person sees it. Once in
// Vietnamese, once in English after the footer's language switch; then the text-size switch. Every page
// on the way is scanned with axe-core (WCAG 2.2 AA) and must have zero violations (lib.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, freshPhone, requireAdmin, BACKEND } from './lib.mjs';

let chromium;
before(async () => {
  chromium = await launch();
});
after(async () => {
  await chromium?.close();
});

const PASSWORD = 'Lúa chín vàng đồng quê';

/** Fill and send the sign-up form; returns the commune chosen (its code and name). */
async function signUp(phone, fullName, { communeIndex }) {
  const p = phone.page;
  await phone.nav('/dang-ky');
  await p.locator('#phone').fill(phone.number);
  await p.locator('#password').fill(PASSWORD);
  await p.locator('#password2').fill(PASSWORD);
  await p.locator('#full_name').fill(fullName);
  // The ethnic group starts unchosen: nobody is assumed to be Kinh.
  assert.equal(await p.locator('#ethnic_group').inputValue(), '');
  await p.locator('#ethnic_group').selectOption('Bru-Vân Kiều');
  await p.locator('#birth_year').fill('1961');
  await p.locator('input[name=sex][value=nu]').check();
  const commune = p.locator('#commune option').nth(communeIndex);
  const code = await commune.getAttribute('value');
  const name = (await commune.innerText()).trim();
  assert.ok(code, 'the commune list is empty');
  await p.locator('#commune').selectOption(code);
  await p.locator('input[name=target_group][value=nguoi-dan]').check();
  await p.locator('input[name=consent]').check();
  await phone.clickAndLoad(p.locator('main form.form button[type=submit]').last());
  return { code, name };
}

/** The admin finds the person by phone number and gives them `role` in `unitCode`. */
async function grantRole(admin, { number, fullName }, role, unitCode) {
  const p = admin.page;
  await admin.nav('/quan-ly');
  await admin.clickAndLoad(p.locator('main a[href="/quan-ly/nguoi-dung"]'));
  await p.locator('#q').fill(number);
  await admin.clickAndLoad(p.locator('form[role=search] button'));
  const rows = p.locator('table.list tbody tr');
  assert.equal(await rows.count(), 1, `searching ${number} should find exactly one person`);
  await admin.clickAndLoad(rows.first().getByRole('link', { name: fullName }));
  assert.equal(await admin.heading(), fullName);
  await p.locator('#role').selectOption(role);
  await p.locator('#unit').selectOption(unitCode);
  await admin.clickAndLoad(p.locator('main form[action$="/vai-tro"] button[type=submit]'));
}

async function roleItems(phone, selector) {
  return (await phone.page.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

test(`Vietnamese: sign up, sign out, sign in, an admin grants a role [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const visitor = await chromium.person();
  visitor.number = freshPhone();
  const fullName = 'Hồ Thị Lành';

  await visitor.visit('/');
  assert.equal(await visitor.page.getAttribute('html', 'lang'), 'vi');
  // An empty form first: it comes back with the reasons, each tied to its field, and nothing is created.
  await visitor.nav('/dang-ky');
  await visitor.clickAndLoad(visitor.page.locator('main form.form button[type=submit]').last());
  assert.equal(new URL(visitor.page.url()).pathname, '/dang-ky');
  await visitor.page.getByRole('alert').first().waitFor();
  assert.equal(await visitor.page.locator('#phone').getAttribute('aria-invalid'), 'true');
  assert.match(await visitor.page.locator('#phone').getAttribute('aria-describedby'), /phone-err/);
  await visitor.visit('/');
  const commune = await signUp(visitor, fullName, { communeIndex: 1 });
  assert.equal(new URL(visitor.page.url()).pathname, '/tai-khoan');
  assert.equal(await visitor.heading(), 'Tài khoản của tôi');
  await assert.doesNotReject(visitor.page.getByRole('status').getByText('Tài khoản đã được tạo').waitFor());
  assert.ok((await visitor.page.locator('dl.facts').innerText()).includes(commune.name));

  await visitor.signOut();
  assert.equal(await visitor.page.locator('header nav.quick a[href="/dang-nhap"]').innerText(), 'Đăng nhập');
  // Signed out means signed out: the account page now asks to sign in.
  await visitor.visit('/tai-khoan');
  assert.equal(new URL(visitor.page.url()).pathname, '/dang-nhap');

  // A wrong password is refused with a message tied to the field, then the right one works.
  await visitor.page.locator('#phone').fill(visitor.number);
  await visitor.page.locator('#password').fill('không phải mật khẩu');
  await visitor.clickAndLoad(visitor.page.locator('main form button[type=submit]'));
  assert.equal(await visitor.page.locator('#password').getAttribute('aria-invalid'), 'true');
  await visitor.signIn(visitor.number, PASSWORD);
  await visitor.visit('/tai-khoan');
  assert.equal(await visitor.heading(), 'Tài khoản của tôi');
  assert.equal((await visitor.page.locator('header form[action="/dang-xuat"] button').textContent()).trim(), 'Đăng xuất', 'signed in: the menu signs out');

  const boss = await chromium.person();
  await boss.visit('/');
  await boss.signIn(admin.phone, admin.password);
  await grantRole(boss, { number: visitor.number, fullName }, 'volunteer', commune.code);
  const expected = `Thành viên tổ công nghệ số — ${commune.name}`;
  assert.ok(
    (await roleItems(boss, 'ul.roles > li')).some((t) => t.startsWith(expected)),
    `the admin should see "${expected}" among the roles`,
  );

  // The person sees the new role on their own page, and in the log, who looked at their data.
  await visitor.visit('/tai-khoan');
  assert.ok(
    (await roleItems(visitor, 'main section.card ul li')).includes(expected),
    `the person should see "${expected}" on their account page`,
  );
  const log = await visitor.page.locator('main table').innerText();
  assert.ok(log.includes(admin.name), `the access log should name the admin "${admin.name}":\n${log}`);

  await boss.signOut();
  await visitor.signOut();
  await boss.done();
  await visitor.done();
});

test(`English: language switch, sign up, sign in, commune admin granted and scoped [${BACKEND}]`, async () => {
  const admin = requireAdmin();
  const visitor = await chromium.person();
  visitor.number = freshPhone();
  const fullName = 'Pả Văn Thắng';

  await visitor.visit('/');
  await visitor.switchLanguage('en');
  assert.equal(await visitor.page.locator('footer a[hreflang=en]').getAttribute('aria-current'), 'true');
  const commune = await signUp(visitor, fullName, { communeIndex: 2 });
  assert.equal(await visitor.heading(), 'My account');

  await visitor.signOut();
  assert.equal(await visitor.page.locator('header nav.quick a[href="/dang-nhap"]').innerText(), 'Sign in');
  await visitor.signIn(visitor.number, PASSWORD);
  await visitor.visit('/tai-khoan');
  assert.equal(await visitor.heading(), 'My account');
  assert.equal(await visitor.page.locator('header a[href="/quan-ly"]').count(), 0, 'no admin link yet');

  const boss = await chromium.person();
  await boss.visit('/');
  await boss.switchLanguage('en');
  await boss.signIn(admin.phone, admin.password);
  await grantRole(boss, { number: visitor.number, fullName }, 'commune_admin', commune.code);
  const expected = `Commune administrator — ${commune.name}`;
  assert.ok((await roleItems(boss, 'ul.roles > li')).some((t) => t.startsWith(expected)));
  await boss.signOut();
  await boss.done();

  // The new commune administrator: sees the role, gets the Administration page, and their people list
  // holds themselves but nobody from another commune.
  await visitor.visit('/tai-khoan');
  assert.ok((await roleItems(visitor, 'main section.card ul li')).includes(expected));
  await visitor.nav('/quan-ly');
  assert.equal(await visitor.heading(), 'Administration');
  await visitor.clickAndLoad(visitor.page.locator('main a[href="/quan-ly/nguoi-dung"]'));
  await visitor.page.locator('#q').fill(visitor.number);
  await visitor.clickAndLoad(visitor.page.locator('form[role=search] button'));
  assert.equal(await visitor.page.locator('table.list tbody tr').count(), 1);
  await visitor.page.locator('#q').fill('Hồ Thị Lành');
  await visitor.clickAndLoad(visitor.page.locator('form[role=search] button'));
  assert.equal(await visitor.page.locator('table.list').count(), 0, 'a commune admin must not find people of another commune');
  assert.ok((await visitor.page.locator('main').innerText()).includes('Nobody matches'));

  await visitor.signOut();
  await visitor.done();
});

test(`text size switch: A, A+, A++ change the page's text size and are remembered [${BACKEND}]`, async () => {
  const visitor = await chromium.person();
  const p = visitor.page;
  await visitor.visit('/');
  const rootSize = () => p.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const normal = await rootSize();
  const sizeClass = () => p.evaluate(() => [...document.documentElement.classList].find((c) => c.startsWith('ts-')));
  assert.equal(await sizeClass(), 'ts-0');

  await visitor.clickAndLoad(p.locator('footer a.ts-a1'));
  const large = await rootSize();
  assert.equal(await sizeClass(), 'ts-1');
  assert.equal(await p.locator('footer a.ts-a1').getAttribute('aria-current'), 'true');
  assert.ok(large > normal, `A+ should enlarge the text (${normal}px → ${large}px)`);

  await visitor.clickAndLoad(p.locator('footer a.ts-a2'));
  const larger = await rootSize();
  assert.ok(larger > large, `A++ should enlarge it further (${large}px → ${larger}px)`);
  // Remembered on the next page, and the sign-up form still fits a 360 px screen at the largest size.
  await visitor.visit('/dang-ky');
  assert.equal(await sizeClass(), 'ts-2');

  await visitor.clickAndLoad(p.locator('footer a.ts-a0'));
  assert.equal(await rootSize(), normal);
  assert.equal(new URL(p.url()).pathname, '/dang-ky', 'the switch returns to the page it was used on');
  await visitor.done();
});
