// Merging single-frame Opus packets into code-3 packets (RFC 6716 3.2.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canMerge, mergePackets, frameMs, kMaxPacketMs } from '../src/player/opus_packets.js';

// A code-0 packet: TOC for CELT fullband 20 ms stereo (config 31, s = 1), then `n` bytes.
const TOC = (31 << 3) | 0x04;
const packet = (n, fill) => Uint8Array.from([TOC, ...Array.from({ length: n }, (_, i) => (fill + i) & 255)]);

// Reads a code-3 packet back into its frames, as a decoder's parser would.
function split(p) {
  assert.equal(p[0] & 3, 3);
  const count = p[1] & 0x3f;
  assert.equal(p[1] & 0x80, 0x80, 'VBR');
  let at = 2;
  const sizes = [];
  for (let i = 0; i + 1 < count; i++) {
    if (p[at] < 252) sizes.push(p[at++]);
    else {
      sizes.push(p[at] + 4 * p[at + 1]);
      at += 2;
    }
  }
  const frames = [];
  for (const n of sizes) {
    frames.push(p.subarray(at, at + n));
    at += n;
  }
  frames.push(p.subarray(at));
  return frames;
}

test('merged frames read back byte for byte, short and long length codings', () => {
  const packets = [packet(100, 1), packet(251, 2), packet(252, 3), packet(700, 4), packet(1275, 5), packet(40, 6)];
  const merged = mergePackets(packets);
  assert.equal(merged[0] >> 2, TOC >> 2, 'the TOC config and stereo flag survive');
  const frames = split(merged);
  assert.equal(frames.length, packets.length);
  frames.forEach((f, i) => assert.deepEqual([...f], [...packets[i].subarray(1)]));
});

test('only same-TOC single-frame packets merge, up to 120 ms', () => {
  assert.equal(frameMs(31), 20);
  const run = [];
  let p = packet(10, 0);
  while (canMerge(run, p)) {
    run.push(p);
    p = packet(10, run.length);
  }
  assert.equal(run.length, kMaxPacketMs / 20);
  assert.ok(!canMerge([packet(10, 0)], Uint8Array.from([(30 << 3) | 0x04, 1, 2])), 'another bandwidth');
  assert.ok(!canMerge([packet(10, 0)], Uint8Array.from([TOC | 1, 1, 2])), 'a code-1 packet');
  assert.equal(mergePackets([run[0]]), run[0], 'one packet is passed through');
});
