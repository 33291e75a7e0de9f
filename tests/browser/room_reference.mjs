// The room's schedule, seen from outside the pages, for room_speakers_test.mjs:
// a WebSocket client of its own (ws, from web/node_modules) that keeps the
// server clock the way a page does (web/src/player/clock_sync.js) and records
// the PCM16 stream with its sample positions, so a recording of a sink can be
// dated: which stream sample it played, and when the room meant it to play.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SOURCE_DIR } from './harness.mjs';

const { ClockSync } = await import(join(SOURCE_DIR, 'web/src/player/clock_sync.js'));
const { parseFrames } = await import(join(SOURCE_DIR, 'web/src/protocol/frame.js'));
const WebSocket = createRequire(join(SOURCE_DIR, 'web', 'package.json'))('ws');

export const kRoomDelayMs = 400; // web/src/player/player.js: sample s plays at serverTime(s) + this
export const epochNow = () => performance.timeOrigin + performance.now();

/** Connects to the server at `url` (http://host:port/); resolves once it streams PCM16. */
export async function startReference(url) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}ws`);
  ws.binaryType = 'arraybuffer';
  const clock = new ClockSync();
  const frames = []; // {pos, mono: Float32Array}
  const pending = new Map();
  let nextId = 1;
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      for (const f of parseFrames(data).frames) {
        const n = f.payload.byteLength / (2 * f.channels);
        const v = new DataView(f.payload.buffer, f.payload.byteOffset, f.payload.byteLength);
        const mono = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < f.channels; c++) s += v.getInt16(2 * (i * f.channels + c), true);
          mono[i] = s / f.channels / 32768; // PulseAudio's stereo-to-mono is the mean too
        }
        frames.push({ pos: f.samplePosition, mono });
      }
      return;
    }
    const m = JSON.parse(String(data));
    const p = pending.get(m.reqId);
    if (p) {
      pending.delete(m.reqId);
      p(m);
    }
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const request = (msg) => new Promise((resolve) => {
    const reqId = `ref${nextId++}`;
    pending.set(reqId, resolve);
    ws.send(JSON.stringify({ ...msg, reqId }));
  });
  const ping = async () => {
    const t0 = epochNow();
    const pong = await request({ type: 'ping' });
    clock.addPong(t0, epochNow(), pong);
  };
  for (let i = 0; i < 8; i++) await ping();
  const timer = setInterval(ping, 250);
  await request({ type: 'subscribe', audio: 'pcm16' });
  return {
    /** Local epoch ms at which the room should play stream sample `pos`. */
    scheduledAt(pos) {
      return clock.serverTimeOfSample(pos) + kRoomDelayMs - clock.offsetMs();
    },
    /** The stream sample the room should play at local epoch ms `t`. */
    sampleAt(t) {
      return clock.sampleAtServerTime(t + clock.offsetMs() - kRoomDelayMs);
    },
    /** The stream's mono samples [from, from + n), or null where not all were received. */
    audio(from, n) {
      const out = new Float32Array(n);
      const have = new Uint8Array(n);
      for (const f of frames) {
        const a = Math.max(from, f.pos);
        const b = Math.min(from + n, f.pos + f.mono.length);
        if (b <= a) continue;
        out.set(f.mono.subarray(a - f.pos, b - f.pos), a - from);
        have.fill(1, a - from, b - from);
      }
      return have.every((x) => x === 1) ? out : null;
    },
    close() {
      clearInterval(timer);
      ws.close();
    },
  };
}
