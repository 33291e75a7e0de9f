// Audio plays for 20 s in headless Chromium, for both codecs at once (one page
// each): started by clicking the page's own Start button; the worklet keeps
// processing, the buffer never empties, no underrun on loopback, and the
// output is not silent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, stats, shot, sleep } from './harness.mjs';

let srv;
let browser;
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Peak of what the page plays, from its own analyser (pre-volume).
const peak = (page) =>
  page.evaluate(() => {
    const a = window.auralis.player.analyser;
    const b = new Float32Array(a.fftSize);
    a.getFloatTimeDomainData(b);
    return b.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  });

test('20 s of Opus and PCM16 playback: no underruns, buffer never empty', async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const codecs = ['opus', 'pcm16'];
  const pages = [];
  for (const codec of codecs) pages.push(await openPage(browser, `${srv.url}?codec=${codec}`));
  for (const page of pages) {
    assert.equal(await page.evaluate(() => window.auralis.player.running), false, 'no audio before Start');
    await page.click('#start'); // a real click: autoplay rules as a listener meets them
  }
  for (const page of pages) {
    await page.waitForFunction(() => window.auralis.player.stats().state === 'playing', null, { timeout: 20000 });
  }
  const first = await Promise.all(pages.map(stats));
  const peaks = codecs.map(() => 0);
  const minDepth = codecs.map(() => Infinity);
  // Per second: depth ms / decoder queue / underruns / tier, printed with the figures.
  const timeline = codecs.map(() => []);
  for (let i = 0; i < 20; i++) {
    await sleep(1000);
    for (let p = 0; p < pages.length; p++) {
      const s = await stats(pages[p]);
      timeline[p].push(`${i}s:${s.depthMs?.toFixed(0)}/${s.decodeQueue}/${s.underruns}/${s.tier[0]}`);
      assert.equal(s.state, 'playing', `${codecs[p]} stopped playing at ${i} s`);
      minDepth[p] = Math.min(minDepth[p], s.depthMs);
      peaks[p] = Math.max(peaks[p], await peak(pages[p]));
    }
  }
  const last = await Promise.all(pages.map(stats));
  // Every page's figures first, so a failure on one still shows the other.
  for (let p = 0; p < pages.length; p++) {
    const s = last[p];
    const codec = codecs[p];
    console.log(`${codec}: tier ${s.tier}, depth avg ${s.depthAvgMs.toFixed(1)} ms (min ${s.minDepthMs.toFixed(1)}),`
      + ` jitter ${s.jitterMs.toFixed(1)} ms, dip ${s.dipMs.toFixed(1)} ms, near misses ${s.nearMisses},`
      + ` decoder queue max ${s.decodeQueueMax} (${s.decodeThread}, ${s.decodeRequests} requests), latency ${s.latencyMs?.toFixed(0)} ms, quanta ${s.quanta - first[p].quanta}, peak ${peaks[p].toFixed(3)}`);
    console.log(`${codec} timeline: ${timeline[p].join(' ')}`);
  }
  for (let p = 0; p < pages.length; p++) {
    const s = last[p];
    const codec = codecs[p];
    const quanta = s.quanta - first[p].quanta;
    assert.equal(s.codec, codec);
    if (codec === 'opus') assert.equal(s.decoder, 'webcodecs');
    assert.equal(s.decodeThread, 'worker', `${codec}: decoded on the page's main thread`);
    // ~7500 quanta of 128 frames in 20 s at 48 kHz; allow a loaded machine's slack.
    assert.ok(quanta > 6000, `${codec}: worklet ran ${quanta} quanta in 20 s`);
    assert.equal(s.underruns, 0, `${codec}: underruns`);
    assert.ok(s.minDepthMs > 0 && minDepth[p] > 0, `${codec}: the buffer emptied (min ${s.minDepthMs})`);
    assert.ok(s.framesIn - first[p].framesIn > 0.8 * (codec === 'opus' ? 1000 : 200), `${codec}: frames`);
    assert.equal(s.decodeErrors + s.parseErrors, 0);
    assert.equal(s.decoderResets, 0, `${codec}: the decoder stalled`);
    assert.ok(peaks[p] > 0.001, `${codec}: the output is silent`);
    assert.deepEqual(pages[p].errors, []);
    await shot(pages[p], `audio-${codec}`);
  }
});
