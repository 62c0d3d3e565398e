// Dashboards on a phone: a visitor reads the public figures (charts with their tables, small counts
// hidden), a province leader drills down province → commune, opens the printable report and downloads
// the XLSX, and enters an indicator value (a wrong one is refused with the reason, a right one is kept
// with its history). Every page is checked with axe-core at 360×740.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, BACKEND, launch } from './lib.mjs';

test(`dashboards: public figures, drill-down, report, XLSX, indicator entry [${BACKEND}]`, async () => {
  const b = await launch();
  try {
    // ---- a visitor -------------------------------------------------------------------------------
    const visitor = await b.person();
    await visitor.visit('/so-lieu');
    const p = visitor.page;
    assert.match(await visitor.heading(), /Quảng Trị/);
    // Every chart is a labelled image with its data table for screen readers.
    const charts = p.locator('svg[role=img]');
    assert.ok((await charts.count()) > 0, 'the dashboard has charts');
    assert.ok((await p.locator('table caption').count()) > 0, 'with data tables');
    // The 2024 baseline from the seed article, in Vietnamese number format.
    assert.match(await p.locator('main').innerText(), /107,3/);
    // The period picker works without JavaScript (a GET form).
    await p.locator('#period').selectOption({ index: 1 });
    await visitor.clickAndLoad(p.locator('form.period-pick button[type=submit]'));
    assert.match(p.url(), /period=/);
    await visitor.done();

    // ---- a province leader -------------------------------------------------------------------------
    const leader = await b.person();
    await leader.signIn(ADMIN.phone, ADMIN.password);
    await leader.visit('/quan-ly/bao-cao/44');
    const l = leader.page;
    // Drill down: the first commune in the table.
    const commune = l.locator('table.report-table tbody th a').first();
    const communeName = (await commune.innerText()).trim();
    await leader.clickAndLoad(commune);
    assert.ok((await leader.heading()).includes(communeName), `drilled down to ${communeName}`);
    assert.ok((await l.locator('nav ol li a').count()) >= 1, 'breadcrumbs lead back up');
    const here = new URL(l.url()).pathname;

    // The printable report and the XLSX.
    await leader.clickAndLoad(l.locator(`a[href^="${here}/in"]`));
    assert.ok((await l.locator('table').count()) > 0, 'the printable report has its table');
    await leader.visit(here);
    const xlsx = await l.request.get(await l.locator(`a[href^="${here}/bao-cao.xlsx"]`).getAttribute('href'));
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
    const bytes = await xlsx.body();
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip file');

    // Indicators: a wrong value is refused and explained, a right one is kept with its history.
    await leader.visit('/quan-ly/chi-so/44?period=2025');
    await leader.clickAndLoad(l.locator('table tbody a').first());
    await l.locator('#value').fill('nhiều lắm');
    await leader.clickAndLoad(l.locator('main form.form button[type=submit]'));
    assert.equal(await l.locator('#value').getAttribute('aria-invalid'), 'true');
    assert.ok((await l.locator('#value-err').innerText()).length > 0, 'the reason is shown');
    await l.locator('#value').fill('93,5');
    await leader.clickAndLoad(l.locator('main form.form button[type=submit]'));
    await leader.visit('/quan-ly/chi-so/44?period=2025');
    await leader.clickAndLoad(l.locator('table tbody a').first());
    assert.match(await l.locator('#h-history + div, #h-history ~ *').first().innerText(), /93,5/);
    await leader.done();
  } finally {
    await b.close();
  }
});
