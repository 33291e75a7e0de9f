// Tier selection from arrival jitter, with hysteresis, underruns and pinning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TierController,
  tierForJitter,
  targetDepthMs,
  kDownHoldMs,
  kUnderrunHoldMs,
  kNearMissCooldownMs,
  TIER_MARGIN_MS,
} from '../src/player/tiers.js';

// Feeds `count` frames of `chunkMs`, each arriving with an extra delay from `delay(i)`.
function feed(tc, { from = 0, count, chunkMs = 20, delay = () => 0, t0 = 0 }) {
  let last;
  for (let i = 0; i < count; i++) {
    const media = (from + i) * chunkMs;
    last = tc.onArrival(t0 + media + delay(i), media);
  }
  return last;
}

test('perfectly paced arrivals have no jitter and settle on minimal, one step per hold', () => {
  const tc = new TierController({ initial: 'stable' });
  assert.equal(new TierController().tier, 'defensive', 'a fresh player starts safe');
  feed(tc, { count: 100 }); // 2 s: not long enough to step down
  assert.equal(tc.tier, 'stable');
  assert.ok(tc.jitterMs < 0.001);
  feed(tc, { from: 100, count: kDownHoldMs / 20 + 10 });
  assert.equal(tc.tier, 'normal');
  feed(tc, { from: 100 + kDownHoldMs / 20 + 10, count: kDownHoldMs / 20 + 10 });
  assert.equal(tc.tier, 'minimal');
});

test('bursty arrivals raise the tier at once', () => {
  const tc = new TierController({ initial: 'minimal' });
  // Every fifth frame is 150 ms late (a stalled socket that then catches up).
  const tier = feed(tc, { count: 200, delay: (i) => (i % 5 === 0 ? 150 : 0) });
  assert.ok(tc.jitterMs > 20, `jitter ${tc.jitterMs}`);
  assert.notEqual(tier, 'minimal');
  assert.equal(tier, tierForJitter(tc.jitterMs));
  assert.ok(['stable', 'defensive'].includes(tier));
});

test('jitter hovering at a threshold does not flap between tiers', () => {
  const tc = new TierController({ initial: 'minimal' });
  let changes = 0;
  let prev = tc.tier;
  let rng = 1;
  const rand = () => ((rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 3000; i++) { // 60 s of 20 ms frames
    const media = i * 20;
    // Jitter around 10 ms: minimal's margin (30 ms) covers 3 x 10 ms just barely.
    const t = tc.onArrival(media + rand() * 30, media);
    if (t !== prev) changes += 1;
    prev = t;
  }
  assert.ok(changes <= 2, `${changes} tier changes in 60 s`);
});

test('an underrun steps up one tier and holds it', () => {
  const tc = new TierController({ initial: 'minimal' });
  feed(tc, { count: 10 });
  assert.equal(tc.onUnderrun(200), 'normal');
  assert.equal(tc.underruns, 1);
  // Clean arrivals for less than the hold: no step down.
  feed(tc, { from: 10, count: (kUnderrunHoldMs - 1000) / 20 });
  assert.equal(tc.tier, 'normal');
  // After the hold plus the down hold, it may go back.
  feed(tc, { from: 10 + (kUnderrunHoldMs - 1000) / 20, count: (kDownHoldMs + 3000) / 20 });
  assert.equal(tc.tier, 'minimal');
});

test('a pinned tier stays put; auto resumes adaptation', () => {
  const tc = new TierController();
  tc.pin('defensive');
  feed(tc, { count: 1500 });
  tc.onUnderrun(100);
  assert.equal(tc.tier, 'defensive');
  tc.pin('minimal');
  feed(tc, { count: 50, delay: (i) => (i % 2 ? 100 : 0) });
  assert.equal(tc.tier, 'minimal');
  tc.pin('auto');
  feed(tc, { from: 50, count: 50, delay: (i) => (i % 2 ? 100 : 0) });
  assert.notEqual(tc.tier, 'minimal');
  assert.throws(() => tc.pin('huge'));
});

test('a resume jump in media time is not counted as jitter', () => {
  const tc = new TierController();
  feed(tc, { count: 50 });
  tc.onArrival(1000 + 10, 60000); // the stream skipped 59 s ahead
  feed(tc, { from: 3001, count: 5, t0: 1010 - 60000 });
  assert.ok(tc.jitterMs < 1, `jitter ${tc.jitterMs}`);
});

test('target depth is the margin plus half a chunk, growing with the tier', () => {
  assert.equal(targetDepthMs('minimal', 20), 40);
  assert.ok(targetDepthMs('normal', 100) > targetDepthMs('minimal', 100));
  assert.ok(targetDepthMs('defensive', 20) > targetDepthMs('stable', 20));
});

// Worklet reports every 100 ms: a sawtooth of `chunkMs` above `troughMs`, with
// `dip(i)` ms taken off report i's trough (a stall after the socket).
function reports(tc, { from = 0, count, troughMs, chunkMs = 20, dip = () => 0, floorMs = 10.4 }) {
  let last;
  for (let i = 0; i < count; i++) {
    const now = (from + i) * 100;
    last = tc.onDepth(now, { lowMs: troughMs - dip(i), avgMs: troughMs + chunkMs / 2, floorMs, chunkMs });
  }
  return last;
}

test('a steady buffer trough leaves the tier to the arrival jitter', () => {
  const tc = new TierController({ initial: 'minimal' });
  reports(tc, { count: 600, troughMs: TIER_MARGIN_MS.minimal });
  assert.equal(tc.tier, 'minimal');
  assert.equal(tc.nearMisses, 0);
  assert.ok(tc.dipMs < 0.001, `dip ${tc.dipMs}`);
});

test('buffer dips the arrival jitter cannot see raise the tier, once per level', () => {
  const tc = new TierController({ initial: 'minimal' });
  // Calm arrivals (no jitter) but a 40 ms stall every 2 s downstream of the socket.
  let changes = 0;
  let prev = tc.tier;
  for (let s = 0; s < 60; s++) {
    const now = s * 1000;
    tc.onArrival(now, now);
    reports(tc, { from: s * 10, count: 10, troughMs: 200, dip: (i) => (s % 2 === 0 && i === 5 ? 40 : 0) });
    if (tc.tier !== prev) changes += 1;
    prev = tc.tier;
  }
  assert.ok(tc.jitterMs < 0.001);
  assert.ok(tc.dipMs >= 35, `dip envelope ${tc.dipMs}`);
  // 1.5 x 40 ms needs normal's 80 ms margin, not more, and it stays there.
  assert.equal(tc.tier, 'normal');
  assert.equal(changes, 1);
  assert.equal(tc.nearMisses, 0);
});

test('a trough close to the starvation floor steps up at once, then waits for the buffer to grow', () => {
  const tc = new TierController({ initial: 'minimal' });
  reports(tc, { count: 10, troughMs: 30 });
  assert.equal(tc.tier, 'minimal');
  // One report whose trough is 4 ms above the floor: a near miss.
  assert.equal(reports(tc, { from: 10, count: 1, troughMs: 30, dip: () => 15.6 }), 'normal');
  assert.equal(tc.nearMisses, 1);
  // The buffer is still low while it grows to normal's target: not another step.
  reports(tc, { from: 11, count: kNearMissCooldownMs / 100 - 5, troughMs: 14 });
  assert.equal(tc.tier, 'normal');
  assert.equal(tc.nearMisses, 1);
  // Still scraping the floor after the cooldown: one more step.
  reports(tc, { from: 11 + kNearMissCooldownMs / 100, count: 1, troughMs: 14 });
  assert.equal(tc.tier, 'stable');
  assert.equal(tc.nearMisses, 2);
});

test('the dip envelope decays, and the tier comes back down only after the holds', () => {
  const tc = new TierController({ initial: 'minimal' });
  for (let i = 0; i < 50; i++) tc.onArrival(i * 20, i * 20);
  reports(tc, { count: 1, troughMs: 200, dip: () => 60 }); // 1.5 x 60 ms: stable
  assert.equal(tc.tier, 'stable');
  let t = 0;
  const seen = new Set();
  for (; t < 240000 && tc.tier !== 'minimal'; t += 100) {
    tc.onArrival(1000 + t, 1000 + t);
    reports(tc, { from: 1 + t / 100, count: 1, troughMs: 200 });
    seen.add(tc.tier);
    assert.notEqual(tc.tier, 'defensive');
  }
  assert.equal(tc.tier, 'minimal', `still ${tc.tier} after ${t} ms`);
  // Down one tier per hold: never sooner than twice the down hold.
  assert.ok(t >= 2 * kDownHoldMs, `back down after ${t} ms`);
  assert.ok(seen.has('normal'));
});

test('a pinned tier ignores dips and near misses', () => {
  const tc = new TierController();
  tc.pin('minimal');
  reports(tc, { count: 100, troughMs: 12, dip: () => 50 });
  assert.equal(tc.tier, 'minimal');
});
