// "Hỏi trợ lý" on a 360×740 phone: a citizen asks without the page's script (plain form posts, the
// conversation kept in the page) and with it (answers appear without a reload). Every page is scanned
// with axe-core (WCAG 2.2 AA) and must have zero violations (lib.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, Phone, PHONE_VIEWPORT, BASE } from './lib.mjs';

let chromium;
before(async () => {
  chromium = await launch();
});
after(async () => {
  await chromium?.close();
});

const SCRIPT = /\/assets\/assistant\.[0-9a-f]+\.js$/;

test('assistant: a phone asks without JavaScript, then with it', async () => {
  // Service workers would answer the script request before page.route sees it: block them here.
  const ctx = await chromium.browser.newContext({
    viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN',
    baseURL: BASE, serviceWorkers: 'block',
  });
  const phone = new Phone(ctx, await ctx.newPage());
  const p = phone.page;

  // Without the enhancement (its script replaced by an empty one): each question posts the page.
  await p.route(SCRIPT, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
  await phone.visit('/hoi-tro-ly');
  await p.locator('#question').fill('lam sao kich hoat vneid muc 2');
  await phone.clickAndLoad(p.locator('#ask-form button[type=submit]'));
  assert.equal(await p.locator('.chat .bubble.me').count(), 1);
  const first = p.locator('.chat .bubble.bot').first();
  assert.ok((await first.locator('.answer').innerText()).trim().length > 0, 'an answer');
  assert.ok((await first.locator('.sources a').count()) >= 1, 'with its source');

  await p.locator('#question').fill('thời tiết mai thế nào');
  await phone.clickAndLoad(p.locator('#ask-form button[type=submit]'));
  assert.equal(await p.locator('.chat .bubble.me').count(), 2, 'the first turn is still shown');
  const refusal = p.locator('.chat .bubble.bot.unsure');
  assert.equal(await refusal.count(), 1, 'an honest refusal');
  assert.ok((await refusal.locator('a[href^="/to-cong-nghe-so"]').count()) === 1, 'points to the digital team');
  await p.unroute(SCRIPT);

  // With the script: the answer arrives without a reload.
  await phone.visit('/hoi-tro-ly');
  const pages = phone.visited.length;
  await p.locator('#question').fill('bị lừa chuyển tiền thì báo ở đâu');
  await p.locator('#ask-form button[type=submit]').click();
  await p.locator('.chat .bubble.bot:not(.pending)').first().waitFor();
  assert.equal(phone.visited.length, pages, 'no page load');
  const answer = p.locator('.chat .bubble.bot').first();
  assert.ok((await answer.locator('.sources a').count()) >= 1, 'with its source');
  assert.equal(await p.locator('#question').inputValue(), '', 'the box is cleared for the next question');
  assert.equal(await p.locator('#ask-form input[name=h]').count(), 1, 'the turn is kept for a no-JS post');
  await phone.check();

  // A suggestion button asks too.
  await p.locator('#suggestions button').first().click();
  await p.locator('.chat .bubble.bot:not(.pending)').nth(1).waitFor();
  assert.equal(await p.locator('.chat .bubble.me').count(), 2);
  await phone.check();
  await phone.done();
});
