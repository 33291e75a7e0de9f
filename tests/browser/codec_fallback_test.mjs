// A browser without WebCodecs (Firefox before 130; here Firefox with it
// switched off by a pref) cannot decode Opus: asked for Opus, the page plays
// PCM16 by itself and says so beside the codec. Skipped in Chromium, whose
// WebCodecs cannot be switched off.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, startServer, launchBrowser, openPage, stats, shot, sleep } from './harness.mjs';

let srv;
let browser;
after(async () => {
  await browser?.close();
  await srv?.stop();
});

const skip = BROWSER === 'firefox' ? false : 'Firefox only: Chromium cannot switch WebCodecs off';
test('without WebCodecs the page falls back to PCM16 and says so', { skip }, async () => {
  srv = await startServer();
  browser = await launchBrowser({ noWebCodecs: true });
  const page = await openPage(browser, `${srv.url}?codec=opus`);
  assert.equal(await page.evaluate(() => typeof AudioDecoder), 'undefined', 'WebCodecs still there');
  await page.click('#start');
  await page.waitForFunction(() => window.auralis.player.stats().state === 'playing', null, { timeout: 20000 });
  const s0 = await stats(page);
  await sleep(3000);
  const s = await stats(page);
  assert.equal(s.codec, 'pcm16');
  assert.equal(s.decoder, 'pcm16');
  assert.ok(s.framesIn - s0.framesIn > 15, `PCM16 frames in 3 s: ${s.framesIn - s0.framesIn}`);
  assert.equal(s.decodeErrors, 0);
  await page.waitForFunction(() => /pcm16.*WebCodecs/.test(document.querySelector('[data-stat="codec"]')?.textContent),
    null, { timeout: 5000 });
  await shot(page, 'codec-fallback');
  assert.deepEqual(page.errors, []);
});
