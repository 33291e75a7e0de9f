// The worklet's render clock (callback starts and their wall-clock offset),
// the Firefox output delay, and the Opus lookahead the decoder removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenderClock, OutputClock, outputDelayMs, kOutputTailMs, kOutputWindow } from '../src/player/render_clock.js';
import { opusLookahead } from '../src/player/decoder.js';

const kQuantumMs = (128 * 1000) / 48000;

// Callbacks of `perCallback` quanta every perCallback quanta of audio time,
// `lateMs(k)` after they are due, each quantum taking 0.05 ms; Date.now() in whole ms.
function drive(clock, { callbacks, perCallback, dueOffsetMs, lateMs = () => 0 }) {
  for (let k = 0; k < callbacks; k++) {
    const startCtxMs = k * perCallback * kQuantumMs;
    const wall = dueOffsetMs + startCtxMs + lateMs(k);
    for (let q = 0; q < perCallback; q++) {
      clock.onQuantum(Math.floor(wall + 0.05 * q), (startCtxMs + q * kQuantumMs) / 1000);
    }
  }
}

test('the offset is that of the least late callback start, not of the quanta after it', () => {
  const c = new RenderClock();
  const due = 1.7e12 + 0.4; // epoch ms minus context ms at which callbacks are due
  drive(c, { callbacks: 40, perCallback: 7, dueOffsetMs: due, lateMs: (k) => (k % 5) * 3 });
  const m = c.take();
  // Date.now() steps in whole ms: within 1 ms of the due offset, never early by a quantum.
  assert.ok(Math.abs(m - due) <= 1, `offset ${m - due} ms from due`);
  assert.equal(c.callbackQuanta, 7);
  assert.ok(Math.abs(c.callbackStartMs - 39 * 7 * kQuantumMs) < 1e-6);
  assert.equal(c.take(), null, 'a new window starts empty');
});

test('one quantum per callback is one callback start per quantum', () => {
  const c = new RenderClock();
  drive(c, { callbacks: 30, perCallback: 1, dueOffsetMs: 5000.2 });
  assert.ok(Math.abs(c.take() - 5000.2) <= 1);
  assert.equal(c.callbackQuanta, 1);
});

test('the output delay grows with the callback', () => {
  assert.equal(outputDelayMs(0), kOutputTailMs);
  assert.ok(outputDelayMs(7 * kQuantumMs) > outputDelayMs(4 * kQuantumMs));
});

test('the Opus lookahead is the 312-sample pre-skip at 48 kHz', () => {
  assert.equal(opusLookahead(48000), 312);
  assert.equal(opusLookahead(24000), 156);
});

test('what is heard moves with an output stall, not with the refill after it', () => {
  const oc = new OutputClock();
  assert.equal(oc.heardOffsetMs(), null);
  const cb = 7 * kQuantumMs;
  for (let i = 0; i < 50; i++) oc.add(1000 + (i % 3) * 0.5, cb); // steady, with a little noise
  const steady = oc.heardOffsetMs();
  assert.ok(Math.abs(steady - (1001 + outputDelayMs(cb))) < 1e-9);
  oc.add(1030, cb); // a 30 ms underrun: everything after it is heard 30 ms later
  assert.ok(Math.abs(oc.heardOffsetMs() - steady - 29) < 1e-9);
  for (let i = 0; i < 20; i++) oc.add(1030 - i, cb); // the stream refills: callbacks come early
  assert.ok(Math.abs(oc.heardOffsetMs() - steady - 29) < 1e-9, 'the refill does not move what is heard');
  for (let i = 0; i < kOutputWindow; i++) oc.add(1011, cb); // a new steady state, once the window has passed
  assert.ok(Math.abs(oc.heardOffsetMs() - (1011 + outputDelayMs(cb))) < 1e-9);
  assert.equal(oc.count(), kOutputWindow);
});
