// Room mode: two pages that join the same room play the same sample within
// 10 ms of each other. Each page's worklet reports which stream sample it
// rendered at which context time; the page maps context time to wall-clock
// time with the browser's getOutputTimestamp(). Both pages share the machine's
// clock, so the samples they play at one wall-clock instant can be compared.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, stats, shot, sleep } from './harness.mjs';

let srv;
let browser;
after(async () => {
  await browser?.close();
  await srv?.stop();
});

const probe = (page) => page.evaluate(() => window.auralis.player.syncProbe());

test('two pages in one room play the same sample within 10 ms', async () => {
  srv = await startServer();
  browser = await launchBrowser();
  // Different codecs on purpose: the room aligns by sample position, whatever the chunking.
  const a = await openPage(browser, `${srv.url}?room=test-room&codec=opus`);
  const b = await openPage(browser, `${srv.url}?room=test-room&codec=pcm16`);
  await a.click('#start');
  await sleep(1500); // the second listener joins later
  await b.click('#start');
  for (const page of [a, b]) {
    await page.waitForFunction(() => window.auralis.player.stats().state === 'playing', null, { timeout: 20000 });
  }
  await sleep(6000); // clock filters settle; trims converge
  const errors = [];
  for (let i = 0; i < 12; i++) {
    await sleep(500);
    const pa = await probe(a);
    const pb = await probe(b);
    if (!pa || !pb) continue;
    // The sample each page plays at pa's instant.
    const sb = pb.sample + ((pa.epochMs - pb.epochMs) * pb.rate) / 1000;
    errors.push(((pa.sample - sb) * 1000) / pa.rate);
  }
  const abs = errors.map(Math.abs).sort((x, y) => x - y);
  const sa = await stats(a);
  const sb = await stats(b);
  console.log(`room sync error (ms): ${errors.map((e) => e.toFixed(2)).join(' ')}`);
  console.log(`clock source ${sa.clockSource}/${sb.clockSource}; underruns ${sa.underruns}/${sb.underruns};`
    + ` jumps ${sa.jumps}/${sb.jumps}; own error ${sa.roomErrMs.toFixed(2)}/${sb.roomErrMs.toFixed(2)} ms`);
  assert.ok(errors.length >= 10, `only ${errors.length} probes`);
  assert.ok(abs[Math.floor(abs.length / 2)] < 10, `median sync error ${abs[Math.floor(abs.length / 2)]} ms`);
  assert.ok(abs.filter((e) => e < 10).length >= Math.ceil(0.8 * abs.length), `sync errors ${abs}`);
  assert.equal(sa.room, 'test-room');
  await shot(a, 'room-a');
  await shot(b, 'room-b');
});
