// The server restarts on the same port: the page notices, reconnects with
// backoff, resubscribes, and plays again (a new stream: a faded seam).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, stats, shot, sleep } from './harness.mjs';

let srv;
let browser;
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the page reconnects to a restarted server and plays again', async () => {
  srv = await startServer();
  const port = srv.port;
  browser = await launchBrowser();
  const page = await openPage(browser, `${srv.url}?codec=opus`);
  await page.click('#start');
  await page.waitForFunction(() => window.auralis.player.stats().state === 'playing', null, { timeout: 20000 });
  await sleep(2000);
  const before = await stats(page);

  await srv.stop();
  await page.waitForFunction(() => window.auralis.conn.state !== 'open', null, { timeout: 10000 });
  assert.match(await page.textContent('#conn'), /disconnected|connecting/);
  await sleep(1500);
  srv = await startServer({ port });

  await page.waitForFunction(() => window.auralis.conn.state === 'open' && window.auralis.conn.opens >= 2, null,
    { timeout: 20000 });
  // Frames of the new server (its sequence numbers start again at 1).
  await page.waitForFunction((seq) => window.auralis.player.stats().lastSeq < seq, before.lastSeq, { timeout: 15000 });
  await page.waitForFunction(() => window.auralis.player.stats().state === 'playing', null, { timeout: 20000 });
  const q0 = (await stats(page)).quanta;
  const f0 = (await stats(page)).framesIn;
  await sleep(5000);
  const after5 = await stats(page);
  assert.equal(after5.state, 'playing');
  assert.ok(after5.framesIn - f0 > 150, `frames after reconnect: ${after5.framesIn - f0}`);
  assert.ok(after5.quanta - q0 > 1500, 'worklet keeps running');
  assert.ok(after5.depthMs > 0);
  assert.equal(await page.textContent('#conn'), 'connected');
  await shot(page, 'reconnected');
});
