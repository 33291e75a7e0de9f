// The worklet's ring buffer: start, steady play, starvation fades, rate trim,
// gaps and seams, room-mode anchoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingPlayer, kMaxDepthTrim } from '../src/player/ring.js';

const RATE = 48000;
const Q = 128;

// A sine stream; sample values depend only on the stream position.
const tone = (pos) => Math.sin((2 * Math.PI * 440 * pos) / RATE) * 0.5;
function chunk(pos, n, fn = tone) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = fn(pos + i);
  return [a, a.slice()];
}

// Runs `seconds` of output; `producerRate` scales the producer's clock
// (1.001 = the server runs 0.1 % fast). `pause(t)` true stops the producer.
function run(ring, { seconds, chunkFrames = 960, producerRate = 1, pause = () => false, start = 0, t0 = 0 }) {
  const out = [new Float32Array(Q), new Float32Array(Q)];
  const quanta = Math.round((seconds * RATE) / Q);
  let produced = start;
  let maxStep = 0;
  let prev = 0;
  const stats = { maxStep: 0, silentAfterStart: 0, played: 0, produced: 0 };
  let t = 0;
  for (let q = 0; q < quanta; q++) {
    t = (q * Q) / RATE;
    while (produced - start < t * RATE * producerRate && !pause(t)) {
      ring.push(produced, chunk(produced, chunkFrames));
      produced += chunkFrames;
    }
    ring.render(out, Q, t0 + t);
    for (let i = 0; i < Q; i++) {
      maxStep = Math.max(maxStep, Math.abs(out[0][i] - prev));
      prev = out[0][i];
    }
  }
  stats.maxStep = maxStep;
  stats.produced = produced;
  return stats;
}

test('it waits for the target depth, then plays without underruns at the same clock', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ targetMs: 60 });
  const out = [new Float32Array(Q), new Float32Array(Q)];
  ring.push(0, chunk(0, 960));
  ring.render(out, Q, 0);
  assert.equal(ring.state, 'buffering');
  assert.ok(out[0].every((v) => v === 0));
  const s = run(ring, { seconds: 20, start: 960 });
  assert.equal(ring.state, 'playing');
  assert.equal(ring.underruns, 0);
  assert.ok(ring.minDepthMs > 0, `min depth ${ring.minDepthMs}`);
  // A 440 Hz sine at 0.5 moves at most ~0.029 per sample; no clicks.
  assert.ok(s.maxStep < 0.04, `max step ${s.maxStep}`);
});

test('a producer 0.2 % fast is absorbed by a rate trim, holding the depth', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ targetMs: 100 });
  run(ring, { seconds: 60, producerRate: 1.002 });
  assert.equal(ring.underruns, 0);
  assert.equal(ring.jumps, 0);
  assert.ok(Math.abs(ring.depthAvgMs - 100) < 40, `depth ${ring.depthAvgMs}`);
  assert.ok(ring.trim > 0 && ring.trim <= kMaxDepthTrim, `trim ${ring.trim}`);
});

test('starvation fades to silence and back without a click, counting one underrun', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ targetMs: 80 });
  const s = run(ring, { seconds: 6, pause: (t) => t > 2 && t < 3 });
  assert.equal(ring.underruns, 1);
  assert.equal(ring.state, 'playing');
  // The fade spreads the stop over 5 ms: no sample-to-sample jump larger than
  // the tone's own slope plus the fade's share.
  assert.ok(s.maxStep < 0.05, `max step ${s.maxStep}`);
});

test('a short gap is bridged with silence and a long one starts a faded seam', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.push(0, chunk(0, 960));
  ring.push(960 + 480, chunk(960 + 480, 960)); // 10 ms missing
  assert.equal(ring.depthSamples(), 960 * 2 + 480);
  assert.equal(ring.streamPosAt(960 + 480), 960 + 480);
  ring.push(10 * RATE, chunk(10 * RATE, 960)); // 10 s later: a new segment
  assert.equal(ring.segments.length, 2);
  const v = ring.ringPosOf(10 * RATE + 100);
  assert.equal(v, 960 * 2 + 480 + 100);
  // The seam's first samples ramp in from zero.
  assert.ok(ring.data[0][(960 * 2 + 480) & ring.mask] === 0);
  // Resent audio (an overlap) is ignored.
  const before = ring.depthSamples();
  ring.push(10 * RATE, chunk(10 * RATE, 960));
  assert.equal(ring.depthSamples(), before);
});

test('room mode plays the anchored sample and follows a moved anchor by trim, not jumps', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ mode: 'room' });
  // The stream sample that should play at context time t is 48000 * t - 9600 (200 ms behind).
  ring.setAnchor(0, -9600);
  run(ring, { seconds: 5 });
  assert.equal(ring.state, 'playing');
  assert.ok(Math.abs(ring.lastErrMs) < 1, `err ${ring.lastErrMs}`);
  const jumpsBefore = ring.jumps;
  // The clock estimate moves by 8 ms: corrected gently.
  ring.setAnchor(0, -9600 - 384);
  const out = [new Float32Array(Q), new Float32Array(Q)];
  let produced = 5 * RATE;
  for (let q = 0; q < (6 * RATE) / Q; q++) {
    const t = 5 + (q * Q) / RATE;
    while (produced < t * RATE) {
      ring.push(produced, chunk(produced, 960));
      produced += 960;
    }
    ring.render(out, Q, t);
  }
  assert.equal(ring.jumps, jumpsBefore);
  assert.ok(Math.abs(ring.lastErrMs) < 1, `err after trim ${ring.lastErrMs}`);
  assert.equal(ring.underruns, 0);
});

test('room mode jumps (with a fade) when far off the anchor', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ mode: 'room' });
  ring.setAnchor(0, -9600);
  const first = run(ring, { seconds: 3 });
  ring.setAnchor(0, -9600 - 4800); // 100 ms
  const s = run(ring, { seconds: 3, start: first.produced, t0: 3 });
  assert.ok(ring.jumps >= 1);
  assert.ok(Math.abs(ring.lastErrMs) < 2, `err ${ring.lastErrMs}`);
  assert.ok(s.maxStep < 0.05, `max step ${s.maxStep}`);
});

test('takeLow reports each window\'s lowest depth; the floor is where an underrun starts', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ targetMs: 80 });
  assert.equal(ring.takeLow(), null, 'nothing while not playing');
  run(ring, { seconds: 2 });
  const low = ring.takeLow();
  assert.ok(low > ring.floorMs() && low < 80, `low ${low}`);
  assert.equal(ring.takeLow(), null, 'a new window starts empty');
  // A producer stall of 60 ms: the window's low drops by about as much.
  run(ring, { seconds: 1, start: 2 * RATE, pause: (t) => t > 0.3 && t < 0.36, t0: 2 });
  const dipped = ring.takeLow();
  assert.ok(dipped < low - 40, `low ${dipped} after a stall, ${low} before`);
  assert.equal(ring.underruns, 0);
  const floor = ring.floorMs();
  assert.ok(floor > 5 && floor < 20, `floor ${floor} ms`);
});

test('a start with extra depth drains gently to the target, without jumps', () => {
  const ring = new RingPlayer({ streamRate: RATE, outRate: RATE });
  ring.configure({ targetMs: 60, startExtraMs: 100 });
  const out = [new Float32Array(Q), new Float32Array(Q)];
  for (let pos = 0; pos < 0.12 * RATE; pos += 960) ring.push(pos, chunk(pos, 960)); // 120 ms
  ring.render(out, Q, 0);
  assert.equal(ring.state, 'buffering', 'the target alone is not enough to start');
  const s = run(ring, { seconds: 60 });
  assert.equal(ring.state, 'playing');
  assert.equal(ring.underruns + ring.jumps, 0);
  assert.ok(Math.abs(ring.depthAvgMs - 60) < 15, `depth ${ring.depthAvgMs} after 60 s`);
  assert.ok(s.maxStep < 0.04, `max step ${s.maxStep}`);
});
