// The AUR1 frame parser: single and batched frames, truncation and corruption.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFrames,
  encodeFrame,
  decodePcm16,
  CODEC_OPUS,
  CODEC_PCM16,
  HEADER_SIZE,
} from '../src/protocol/frame.js';

const header = (over = {}) => ({
  codec: CODEC_OPUS,
  channels: 2,
  sampleRate: 48000,
  sequence: 7,
  samplePosition: 960 * 7,
  ...over,
});

test('one frame round-trips every header field', () => {
  const payload = new Uint8Array([1, 2, 3, 4, 5]);
  const { frames, error } = parseFrames(encodeFrame(header(), payload).buffer);
  assert.equal(error, null);
  assert.equal(frames.length, 1);
  const f = frames[0];
  assert.equal(f.codec, CODEC_OPUS);
  assert.equal(f.channels, 2);
  assert.equal(f.sampleRate, 48000);
  assert.equal(f.sequence, 7);
  assert.equal(f.samplePosition, 6720);
  assert.deepEqual([...f.payload], [1, 2, 3, 4, 5]);
});

test('the header layout is little-endian at the documented offsets', () => {
  const bytes = encodeFrame(header({ sequence: 0x0102030405, samplePosition: 2 ** 40 + 3 }),
    new Uint8Array(0));
  assert.equal(String.fromCharCode(...bytes.subarray(0, 4)), 'AUR1');
  const v = new DataView(bytes.buffer);
  assert.equal(v.getUint32(8, true), 48000);
  assert.equal(v.getUint32(12, true), 0x02030405);
  assert.equal(v.getUint32(16, true), 0x01);
  assert.equal(v.getUint32(24, true), 2 ** 8);
  const { frames } = parseFrames(bytes);
  assert.equal(frames[0].sequence, 0x0102030405);
  assert.equal(frames[0].samplePosition, 2 ** 40 + 3);
});

test('frames concatenated in one message are all returned, in order', () => {
  const parts = [0, 1, 2].map((i) =>
    encodeFrame(header({ sequence: 10 + i, samplePosition: 960 * i }), new Uint8Array(3 + i).fill(i)));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const { frames, error } = parseFrames(all);
  assert.equal(error, null);
  assert.deepEqual(frames.map((f) => f.sequence), [10, 11, 12]);
  assert.deepEqual(frames.map((f) => f.payload.length), [3, 4, 5]);
  assert.ok(frames[2].payload.every((b) => b === 2));
});

test('a truncated header or an overrunning payload stops the parse with an error', () => {
  const good = encodeFrame(header(), new Uint8Array(8));
  const short = new Uint8Array(good.length + 10);
  short.set(good);
  short.set(good.subarray(0, 10), good.length);
  let r = parseFrames(short);
  assert.equal(r.frames.length, 1);
  assert.match(r.error, /truncated header/);

  const over = good.slice(0, good.length - 1);
  r = parseFrames(over);
  assert.equal(r.frames.length, 0);
  assert.match(r.error, /overruns/);
});

test('bad magic and unknown codecs are refused', () => {
  const bad = encodeFrame(header(), new Uint8Array(2));
  bad[0] = 0x42;
  assert.match(parseFrames(bad).error, /bad magic/);
  const codec = encodeFrame(header({ codec: 9 }), new Uint8Array(2));
  assert.match(parseFrames(codec).error, /unknown codec/);
  assert.equal(parseFrames(new Uint8Array(0)).frames.length, 0);
  assert.equal(parseFrames(new Uint8Array(HEADER_SIZE - 1)).error !== null, true);
});

test('PCM16 decodes interleaved little-endian samples to planar floats', () => {
  const pcm = new Int16Array([0, 32767, -32768, 16384, 1, -1]);
  const payload = new Uint8Array(pcm.buffer);
  const [l, r] = decodePcm16(payload, 2);
  assert.equal(l.length, 3);
  assert.deepEqual([...l], [0, -1, 1 / 32768]);
  assert.ok(Math.abs(r[0] - 32767 / 32768) < 1e-9);
  assert.equal(r[1], 0.5);
  assert.equal(r[2], -1 / 32768);
  const viaFrame = parseFrames(encodeFrame(header({ codec: CODEC_PCM16 }), payload)).frames[0];
  assert.deepEqual([...decodePcm16(viaFrame.payload, 2)[0]], [...l]);
});
