// Learning on a 360×740 phone: a visitor finds a course (search without diacritics), reads the first
// lesson and passes its quiz without an account (kept in the browser), signs up, sees that progress
// merged into the account, finishes the course, downloads the certificate PDF and opens its /verify page.
// Every page on the way is scanned with axe-core (WCAG 2.2 AA) and must have zero violations (lib.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, freshPhone, BACKEND } from './lib.mjs';

const COURSE = 'vneid';
const PASSWORD = 'Lúa chín vàng đồng quê';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lessons of a course in order, each with its slug and the right answer of each quiz question. */
function lessons(course) {
  const dir = join(ROOT, 'content', 'courses', course);
  return readdirSync(dir)
    .filter((f) => /^\d\d-.+\.md$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const front = text.split(/^\+\+\+\s*$/m)[1];
      const slug = /^slug\s*=\s*"([^"]+)"/m.exec(front)[1];
      const answers = [...front.matchAll(/^answer\s*=\s*(\d+)/gm)].map((m) => Number(m[1]));
      return { slug, answers };
    });
}

let chromium;
before(async () => {
  chromium = await launch();
});
after(async () => {
  await chromium?.close();
});

/** Answer the lesson's quiz on the page and send it (a plain form post). */
async function passQuiz(phone, answers) {
  const p = phone.page;
  for (let i = 0; i < answers.length; i++) {
    await p.locator(`input[name=q${i}][value="${answers[i]}"]`).check();
  }
  await phone.clickAndLoad(p.locator('form.quiz-form button[type=submit]'));
  await p.locator('#quiz-result').waitFor();
  assert.match(await p.locator('#quiz-result').innerText(), /Đạt!/);
}

test(`a visitor learns, signs up, completes a course, gets and verifies the certificate [${BACKEND}]`, async () => {
  const all = lessons(COURSE);
  assert.ok(all.length >= 2);
  const phone = await chromium.person();
  phone.number = freshPhone();
  const p = phone.page;

  // Find the course: search without diacritics.
  await phone.visit('/');
  await phone.nav('/hoc');
  await p.locator('#q').fill('dinh danh');
  await phone.clickAndLoad(p.locator('form[role=search] button[type=submit]'));
  await phone.clickAndLoad(p.locator(`main a[href="/hoc/${COURSE}"]`));
  assert.match(await p.locator('#progress-text').innerText(), /^0 \//);

  // The first lesson and its quiz, as a visitor.
  await phone.clickAndLoad(p.locator(`main a.button[href="/hoc/${COURSE}/${all[0].slug}"]`));
  assert.match(await p.locator('.lesson-meta').innerText(), /phút đọc/);
  // A wrong answer first: the explanation is shown with the right answer.
  await p.locator(`input[name=q0][value="${(all[0].answers[0] + 1) % 2}"]`).check();
  await phone.clickAndLoad(p.locator('form.quiz-form button[type=submit]'));
  assert.match(await p.locator('#quiz-result').innerText(), /Chưa đạt/);
  assert.ok(await p.locator('fieldset.question.wrong .feedback').first().isVisible());
  await passQuiz(phone, all[0].answers);
  await phone.visit(`/hoc/${COURSE}`);
  assert.match(await p.locator('#progress-text').innerText(), /^1 \//, 'kept in this browser');

  // Sign up; "my learning" sends the browser's progress to the account.
  await phone.nav('/dang-ky');
  await p.locator('#phone').fill(phone.number);
  await p.locator('#password').fill(PASSWORD);
  await p.locator('#password2').fill(PASSWORD);
  await p.locator('#full_name').fill('Hồ Thị Lan');
  await p.locator('#ethnic_group').selectOption('Kinh');
  await p.locator('#birth_year').fill('1961');
  await p.locator('input[name=sex][value=nu]').check();
  const code = await p.locator('#commune option').nth(1).getAttribute('value');
  await p.locator('#commune').selectOption(code);
  await p.locator('input[name=target_group][value=nguoi-dan]').check();
  await p.locator('input[name=consent]').check();
  await phone.clickAndLoad(p.locator('main form.form button[type=submit]').last());
  // The page sends the batch, then reloads itself to show the merged progress: two navigations.
  const merged = p.waitForResponse((r) => r.url().endsWith('/api/v1/learning/progress'));
  let navigations = 0;
  const reloaded = new Promise((resolve) => {
    const seen = (frame) => {
      if (frame === p.mainFrame() && ++navigations === 2) {
        p.off('framenavigated', seen);
        resolve();
      }
    };
    p.on('framenavigated', seen);
  });
  await p.goto('/hoc/cua-toi');
  assert.equal((await merged).status(), 200);
  await reloaded;
  await p.waitForLoadState('load');
  await p.locator(`main a[href="/hoc/${COURSE}"]`).waitFor();
  await phone.check();

  // The rest of the course, signed in.
  await phone.visit(`/hoc/${COURSE}`);
  assert.match(await p.locator('#progress-text').innerText(), /^1 \//, 'merged into the account');
  for (const lesson of all.slice(1)) {
    await phone.visit(`/hoc/${COURSE}/${lesson.slug}`);
    await passQuiz(phone, lesson.answers);
  }
  const certLink = p.locator('#quiz-result a[href^="/chung-chi/"]');
  await certLink.waitFor();
  const href = await certLink.getAttribute('href');
  const certCode = href.replace('/chung-chi/', '').replace('.pdf', '');

  // Download the certificate.
  const [download] = await Promise.all([p.waitForEvent('download'), certLink.click()]);
  const path = await download.path();
  const pdf = readFileSync(path);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.length > 10_000, `PDF of ${pdf.length} bytes`);

  // What the QR code opens.
  await phone.visit(`/verify/${certCode}`);
  assert.match(await p.locator('#v-h').innerText(), /hợp lệ/);
  assert.match(await p.locator('main').innerText(), /Hồ Thị Lan/);

  // An unknown code is a 404 page.
  const resp = await p.goto('/verify/ZZZZ-ZZZZ-ZZZZ');
  assert.equal(resp.status(), 404);
  await phone.check();
  await phone.done();
});

test(`a learner saves a course, takes a quiz with no signal, and the result is kept and sent once [${BACKEND}]`, async () => {
  const all = lessons(COURSE);
  const withQuiz = all.find((l) => l.answers.length > 0);
  assert.ok(withQuiz, 'a lesson with a quiz');
  const phone = await chromium.person();
  phone.number = freshPhone();
  const p = phone.page;
  await phone.visit('/dang-ky');
  await p.locator('#phone').fill(phone.number);
  await p.locator('#password').fill(PASSWORD);
  await p.locator('#password2').fill(PASSWORD);
  await p.locator('#full_name').fill('Lê Thị Mận');
  await p.locator('#birth_year').fill('1958');
  await p.locator('input[name=sex][value=nu]').check();
  await p.locator('#ethnic_group').selectOption('Kinh');
  await p.locator('#commune').selectOption({ index: 1 });
  await p.locator('input[name=target_group][value=nguoi-dan]').check();
  await p.locator('input[name=consent]').check();
  await phone.clickAndLoad(p.locator('main form.form button[type=submit]').last());
  assert.equal(new URL(p.url()).pathname, '/tai-khoan', 'signed up');

  // Online: open the course once and save it; the page says where progress is kept.
  await phone.visit(`/hoc/${COURSE}`);
  assert.match(await p.locator('main').innerText(), /lưu vào tài khoản/);
  await p.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
  await p.locator('#save-course').click();
  await p.locator('#save-status', { hasText: 'Đã lưu cả khoá học' }).waitFor({ timeout: 30000 });

  // No signal: the lesson opens from the phone, the quiz is scored in the page, nothing is lost.
  await phone.context.setOffline(true);
  await phone.clickAndLoad(p.locator(`ol.outline a[href="/hoc/${COURSE}/${withQuiz.slug}"]`));
  assert.equal(await phone.heading() !== '', true);
  for (let i = 0; i < withQuiz.answers.length; i++) {
    await p.locator(`input[name=q${i}][value="${withQuiz.answers[i]}"]`).check();
  }
  const here = p.url();
  await p.locator('form.quiz-form button[type=submit]').click();
  await p.locator('#offline-result', { hasText: 'Đạt!' }).waitFor();
  assert.equal(p.url(), here, 'no page load, no browser error page');
  assert.match(await p.locator('#offline-result').innerText(), /tự gửi khi có mạng/);
  const kept = await p.evaluate(() => JSON.parse(localStorage.getItem('hv-learning-v1')).pending.length);
  assert.equal(kept, 1, 'the answers are kept to send');

  // The signal comes back: sent by itself, once; the course counts the lesson as done.
  const sent = p.waitForResponse((r) => r.url().endsWith('/api/v1/learning/progress'));
  await phone.context.setOffline(false);
  const answer = await (await sent).json();
  assert.equal(answer.results.length, 1);
  assert.equal(answer.results[0].status, 'applied');
  assert.equal(answer.results[0].score.passed, true);
  await p.locator('#offline-result .synced').waitFor();
  assert.equal(await p.evaluate(() => JSON.parse(localStorage.getItem('hv-learning-v1')).pending.length), 0);
  await phone.visit(`/hoc/${COURSE}`);
  assert.equal(await p.locator(`ol.outline li[data-lesson="${withQuiz.slug}"]`).getAttribute('class'), 'done');
  await phone.done();
});
