// Server clock offset (minimum-RTT filter) and the sample clock mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockSync } from '../src/player/clock_sync.js';

// A deterministic pseudo-random source.
function lcg(seed) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test('the offset comes from the exchange with the smallest round trip', () => {
  const cs = new ClockSync();
  assert.equal(cs.offsetMs(), null);
  const trueOffset = 123456.789; // server - local, ms
  const rand = lcg(3);
  for (let i = 0; i < 20; i++) {
    const t0 = 1000 * i;
    const up = 0.2 + rand() * 40; // asymmetric, noisy paths
    const down = 0.2 + rand() * 40;
    const serverMs = t0 + up + trueOffset;
    cs.addPong(t0, t0 + up + down, { serverTime: serverMs / 1000 });
  }
  const err = Math.abs(cs.offsetMs() - trueOffset);
  // Error is at most half the best round trip's asymmetry.
  assert.ok(err <= cs.minRttMs() / 2 + 1e-6, `offset error ${err} ms, min rtt ${cs.minRttMs()}`);
  assert.ok(cs.minRttMs() < 20);
});

test('pong sample positions date samples; the tightest (minimum) base wins', () => {
  const cs = new ClockSync();
  const rate = 48000;
  const base = 1.7e12; // server epoch ms of sample 0
  const rand = lcg(9);
  for (let i = 0; i < 30; i++) {
    const serverMs = base + 5000 + i * 1000;
    // The newest frame lags the server time by 0..21 ms (one engine block).
    const lag = rand() * 21;
    const samplePosition = Math.floor(((serverMs - lag - base) * rate) / 1000);
    cs.addPong(serverMs - 1, serverMs + 1, { serverTime: serverMs / 1000, samplePosition, sampleRate: rate });
  }
  assert.equal(cs.sampleClockSource(), 'pong');
  const t = cs.serverTimeOfSample(48000 * 60);
  assert.ok(Math.abs(t - (base + 60000)) < 3, `mapping error ${t - (base + 60000)} ms`);
  const s = cs.sampleAtServerTime(base + 10000);
  assert.ok(Math.abs(s - 480000) < 3 * 48);
});

test('without pong positions, frame arrivals bound the sample clock', () => {
  const cs = new ClockSync();
  cs.addFrameArrival(0, 960, 48000); // ignored: no offset yet
  assert.equal(cs.sampleClockSource(), null);
  const offset = -250;
  cs.addPong(0, 2, { serverTime: (1 + offset) / 1000 });
  const base = 5000; // server ms of sample 0
  const rand = lcg(5);
  for (let i = 1; i < 200; i++) {
    const end = i * 960;
    const producedServer = base + (end * 1000) / 48000;
    const arrivalLocal = producedServer - offset + 1 + rand() * 15;
    cs.addFrameArrival(arrivalLocal, end, 48000);
  }
  assert.equal(cs.sampleClockSource(), 'arrival');
  const err = cs.serverTimeOfSample(0) - base;
  assert.ok(err >= 0 && err < 3, `base error ${err} ms`);
});

test('reset forgets the old server', () => {
  const cs = new ClockSync();
  cs.addPong(0, 2, { serverTime: 1, samplePosition: 100, sampleRate: 48000 });
  cs.reset();
  assert.equal(cs.offsetMs(), null);
  assert.equal(cs.serverTimeOfSample(100), null);
});
