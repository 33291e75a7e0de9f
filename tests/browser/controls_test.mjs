// The page loads and its controls talk to the server: a change is acked beside
// the control, lands in generation_update, and shows on a second page (shared
// state); an invalid value shows the server's own error; the layout fits a
// phone; the dashboard polls metrics.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, shot } from './harness.mjs';

let srv;
let browser;
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('page, controls, shared state, server errors, dashboard, phone width', async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const page = await openPage(browser, srv.url);
  const other = await openPage(browser, srv.url);

  // Loaded: the controls hold the server's state from its `status`.
  assert.equal(await page.title(), 'Auralis');
  const status = await (await fetch(new URL('/api/v1/status', srv.url))).json();
  await page.waitForFunction((bpm) => document.getElementById('ctl-bpm-num').value === String(bpm),
    status.params.bpm, { timeout: 10000 });
  assert.ok(await page.isVisible('#start'));
  assert.equal(await page.textContent('#conn'), 'connected');

  // A change, typed as a person would: acked beside the control...
  const target = status.params.bpm === 97 ? 98 : 97;
  await page.fill('#ctl-bpm-num', String(target));
  await page.press('#ctl-bpm-num', 'Enter');
  await page.press('#ctl-bpm-num', 'Tab');
  await page.waitForFunction(() => document.getElementById('ctl-bpm-msg').textContent.includes('applied'), null,
    { timeout: 15000 });
  // ...visible in generation_update (tempo lands at the next bar)...
  await page.waitForFunction(
    (bpm) => window.auralis.events.generation.some((e) => e.event === 'tempo' && Math.round(e.bpm) === bpm),
    target, { timeout: 30000 });
  // ...and on the other page, through the status broadcast.
  await other.waitForFunction((bpm) => document.getElementById('ctl-bpm-num').value === String(bpm), target,
    { timeout: 10000 });

  // Keyboard: toggle an agent with Space; the other page follows.
  await page.focus('#ctl-bass-enabled');
  const was = await page.isChecked('#ctl-bass-enabled');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.getElementById('ctl-agents-bass-enabled-msg')?.textContent.includes('applied')
    || document.getElementById('ctl-bass-enabled-msg')?.textContent.includes('applied'), null, { timeout: 15000 });
  await other.waitForFunction((v) => document.getElementById('ctl-bass-enabled').checked === v, !was,
    { timeout: 10000 });

  // An invalid value: the page shows the server's error (the same the REST API gives).
  const rest = await fetch(new URL('/api/v1/control', srv.url), { method: 'POST', body: JSON.stringify({ bpm: 500 }) });
  const expected = (await rest.json()).error;
  await page.fill('#ctl-bpm-num', '500');
  await page.press('#ctl-bpm-num', 'Tab');
  await page.waitForFunction(() => document.getElementById('ctl-bpm-msg').textContent.includes('✗'), null,
    { timeout: 15000 });
  const shown = await page.textContent('#ctl-bpm-msg');
  assert.ok(shown.includes(expected.code), shown);
  assert.ok(shown.includes(expected.message), `${shown} vs ${expected.message}`);
  assert.equal(await page.getAttribute('#ctl-bpm-msg', 'data-code'), 'invalid_param');
  // Nothing was applied: the box shows the server's value again.
  assert.equal(await page.inputValue('#ctl-bpm-num'), String(target));

  // Every control is labelled.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id));
  assert.deepEqual(unlabelled, []);

  // Dashboard: metrics polled and plotted.
  await page.waitForFunction(() => window.auralis.dashboard.polls >= 2, null, { timeout: 15000 });
  assert.ok((await page.locator('#plots .uplot').count()) >= 5);
  await shot(page, 'page-desktop');

  // Phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow} px wider than a phone`);
  await shot(page, 'page-phone');
  assert.deepEqual(page.errors, []);
});
