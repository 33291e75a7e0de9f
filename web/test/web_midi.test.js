import { test } from 'node:test';
import assert from 'node:assert/strict';
import { midiMessages } from '../src/ui/web_midi.js';

test('midiMessages keeps short messages and drops SysEx and malformed events', () => {
  const out = midiMessages([
    { t: 1, data: new Uint8Array([0x90, 60, 100]) },
    { t: 2, data: new Uint8Array([0xf0, 1, 2, 0xf7]) },
    { t: 3, data: new Uint8Array([60, 100]) },
    { t: -4, data: new Uint8Array([0xf8]) },
  ]);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0], {
    type: 'midi',
    events: [
      { t: 1, data: [0x90, 60, 100] },
      { t: 0, data: [0xf8] },
    ],
  });
});

test('midiMessages splits long batches at the server limit', () => {
  const events = Array.from({ length: 5 }, (_, i) => ({ t: i, data: [0x90, 60 + i, 1] }));
  const out = midiMessages(events, 2);
  assert.deepEqual(out.map((m) => m.events.length), [2, 2, 1]);
});
