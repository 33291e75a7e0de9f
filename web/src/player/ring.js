// The player's ring buffer and its steering: everything the AudioWorklet does,
// as a plain class so node can test it. The worklet (worklet.js) only forwards
// messages and calls render() once per 128-frame quantum.
//
// Coordinates. Audio is stored at "ring positions" v, which only ever grow;
// `segments` map v back to the stream's sample positions. A stream that jumps
// (a server restart, a skip to the live edge, a gap too long to bridge) starts a
// new segment right after the old one, and the seam is faded out and in where
// it lies in the ring, so it never clicks.
//
// Steering, once per quantum:
//  - depth mode: an EMA of the depth (1 s) is held at the tier's target by a
//    playback-rate trim of at most kMaxDepthTrim; far too deep, it skips ahead
//    with a fade.
//  - room mode: the main thread sends an anchor (context time -> stream sample
//    that should be playing then); the error between the read position and the
//    anchor is removed by a trim of at most kMaxRoomTrim (about 2 s per 10 ms),
//    or, beyond kRoomJumpMs, by a faded jump.
//  - starvation: when less than two quanta and a fade remain, the output fades
//    to silence (one underrun), waits for the target depth, and fades back in.
//  - start deep: (re)starting waits for the target plus `startExtraMs`, which
//    the trim then drains at most 3 ms per second: the moments after a start
//    (page set-up, decoder warm-up, a recovery) are the likeliest to stall.
// Audio-thread rules: after the constructor, render() and push() allocate
// nothing except the small segment records of a discontinuity.

export const kMaxDepthTrim = 0.003;
export const kMaxRoomTrim = 0.005;
export const kRoomJumpMs = 40;
export const kBridgeGapMs = 1000;

export class RingPlayer {
  /**
   * @param {{channels?: number, capacity?: number, streamRate: number,
   *   outRate: number, fadeMs?: number}} opts
   */
  constructor(opts) {
    this.channels = opts.channels ?? 2;
    this.capacity = opts.capacity ?? 1 << 19; // a power of two: masks, not modulo
    this.mask = this.capacity - 1;
    this.data = [];
    for (let c = 0; c < this.channels; c++) this.data.push(new Float32Array(this.capacity));
    this.streamRate = opts.streamRate;
    this.outRate = opts.outRate;
    this.fadeLen = Math.max(16, Math.round(((opts.fadeMs ?? 5) * opts.streamRate) / 1000));
    this.mode = 'depth';
    this.targetMs = 150;
    this.startExtraMs = 0;
    this.anchor = null; // {ctxTime, sample}
    this.underruns = 0;
    this.jumps = 0;
    this.overflows = 0;
    this.reset();
  }

  /** Drops all audio and waits for a new stream. */
  reset() {
    this.writeEnd = null; // ring position after the newest sample
    this.readV = 0;
    this.segments = []; // {v, pos}, increasing v
    this.state = 'idle'; // idle | buffering | playing
    this.gain = 0;
    this.gainTarget = 0;
    this.pendingJump = null; // ring position to move to once faded out
    this.trim = 0;
    this.depthAvgMs = 0;
    this.minDepthMs = null; // while playing, since the last (re)start
    this.lowMs = null; // while playing, since the last takeLow() (the tier logic's window)
    this.lastErrMs = 0;
    this.starved = false;
    this.fadeInNext = false;
  }

  configure({ targetMs, mode, streamRate, startExtraMs }) {
    if (typeof targetMs === 'number') this.targetMs = targetMs;
    if (typeof startExtraMs === 'number') this.startExtraMs = startExtraMs;
    if (mode === 'depth' || mode === 'room') this.mode = mode;
    if (streamRate && streamRate !== this.streamRate) {
      this.streamRate = streamRate;
      this.reset();
    }
  }

  /** The lowest depth (ms) while playing since the last call, then starts a new window. */
  takeLow() {
    const low = this.lowMs;
    this.lowMs = null;
    return low;
  }

  /** The depth (ms) under which render() starts an underrun's fade-out. */
  floorMs(frames = 128) {
    return ((2 * frames + this.fadeLen) * (this.streamRate / this.outRate) * 1.01 * 1000) / this.streamRate;
  }

  setAnchor(ctxTime, sample) {
    this.anchor = { ctxTime, sample };
  }

  depthSamples() {
    return this.writeEnd === null ? 0 : this.writeEnd - this.readV;
  }

  depthMs() {
    return (this.depthSamples() * 1000) / this.streamRate;
  }

  /** Stream sample position at ring position v (null before any audio). */
  streamPosAt(v) {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (v >= s.v) return s.pos + (v - s.v);
    }
    return null;
  }

  /** Ring position of stream sample `pos`, in the segment holding it, else the newest. */
  ringPosOf(pos) {
    const n = this.segments.length;
    for (let i = n - 1; i >= 0; i--) {
      const s = this.segments[i];
      const end = i + 1 < n ? this.segments[i + 1].v : this.writeEnd;
      if (pos >= s.pos && pos - s.pos < end - s.v) return s.v + (pos - s.pos);
    }
    const last = this.segments[n - 1];
    return last.v + (pos - last.pos);
  }

  /** Stores decoded audio: planar channels starting at stream sample `pos`. */
  push(pos, planar) {
    let n = planar[0].length;
    if (n === 0) return;
    if (this.writeEnd === null) {
      this.writeEnd = 0;
      this.readV = 0;
      this.segments.push({ v: 0, pos });
      this.state = 'buffering';
    }
    let skip = 0;
    const expected = this.streamPosAt(this.writeEnd);
    const gap = pos - expected;
    if (gap < 0 && gap > -2 * this.streamRate) {
      skip = -gap; // resent or overlapping audio: keep what we have
      if (skip >= n) return;
    } else if (gap > 0 && gap <= (kBridgeGapMs * this.streamRate) / 1000) {
      this.fadeTail();
      this.writeSilence(gap); // missing audio becomes silence, the timeline holds
      this.fadeInNext = true;
    } else if (gap !== 0) {
      this.fadeTail(); // a new stream: a seam, faded on both sides
      this.segments.push({ v: this.writeEnd, pos });
      if (this.segments.length > 8) this.segments.shift();
      this.fadeInNext = true;
    }
    n -= skip;
    const start = this.writeEnd;
    for (let c = 0; c < this.channels; c++) {
      const src = planar[Math.min(c, planar.length - 1)];
      const dst = this.data[c];
      for (let i = 0; i < n; i++) dst[(start + i) & this.mask] = src[skip + i];
    }
    if (this.fadeInNext) {
      this.fadeInNext = false;
      const len = Math.min(this.fadeLen, n);
      for (let c = 0; c < this.channels; c++) {
        for (let i = 0; i < len; i++) this.data[c][(start + i) & this.mask] *= i / len;
      }
    }
    this.writeEnd += n;
    const limit = this.capacity - 4096;
    if (this.writeEnd - this.readV > limit) {
      this.overflows += 1;
      this.readV = this.writeEnd - limit;
    }
  }

  writeSilence(n) {
    for (let c = 0; c < this.channels; c++) {
      for (let i = 0; i < n; i++) this.data[c][(this.writeEnd + i) & this.mask] = 0;
    }
    this.writeEnd += n;
  }

  // Ramps down the newest unplayed samples so a seam or gap after them is silent.
  fadeTail() {
    const from = Math.max(this.writeEnd - this.fadeLen, Math.ceil(this.readV) + 1);
    const len = this.writeEnd - from;
    for (let c = 0; c < this.channels; c++) {
      for (let i = 0; i < len; i++) this.data[c][(from + i) & this.mask] *= 1 - (i + 1) / len;
    }
  }

  /**
   * Fills `outputs` (one Float32Array per channel, `frames` long) for the quantum
   * that starts at context time `ctxTime` (seconds). Audio thread.
   */
  render(outputs, frames, ctxTime) {
    const ratio = this.streamRate / this.outRate;
    this.steer(frames, ctxTime, ratio);
    const step = ratio * (1 + this.trim);
    const fadeStep = 1 / Math.max(1, this.fadeLen / ratio);
    const outChannels = outputs.length;
    for (let i = 0; i < frames; i++) {
      if (this.gain !== this.gainTarget) {
        this.gain += this.gain < this.gainTarget ? fadeStep : -fadeStep;
        if (Math.abs(this.gain - this.gainTarget) < fadeStep) this.gain = this.gainTarget;
      }
      if (this.state === 'playing' && this.gain === 0 && this.gainTarget === 0) {
        this.afterFadeOut(ctxTime + i / this.outRate);
      }
      let l = 0;
      let r = 0;
      if (this.state === 'playing' && this.readV + 1 < this.writeEnd) {
        const i0 = Math.floor(this.readV);
        const f = this.readV - i0;
        const a = this.data[0];
        l = (a[i0 & this.mask] * (1 - f) + a[(i0 + 1) & this.mask] * f) * this.gain;
        const b = this.data[Math.min(1, this.channels - 1)];
        r = (b[i0 & this.mask] * (1 - f) + b[(i0 + 1) & this.mask] * f) * this.gain;
        this.readV += step;
      }
      outputs[0][i] = l;
      if (outChannels > 1) outputs[1][i] = r;
    }
  }

  // Decides, once per quantum, trim, fades, starts and jumps.
  steer(frames, ctxTime, ratio) {
    const depth = this.depthSamples();
    const dMs = (depth * 1000) / this.streamRate;
    this.depthAvgMs += (dMs - this.depthAvgMs) * Math.min(1, frames / this.outRate);
    if (this.state === 'buffering') {
      this.trim = 0;
      this.tryStart(ctxTime);
      return;
    }
    if (this.state !== 'playing') return;
    this.minDepthMs = this.minDepthMs === null ? dMs : Math.min(this.minDepthMs, dMs);
    this.lowMs = this.lowMs === null ? dMs : Math.min(this.lowMs, dMs);
    const needed = (2 * frames + this.fadeLen) * ratio * 1.01;
    if (depth < needed && this.gainTarget !== 0) {
      this.underruns += 1; // starving: fade out while data lasts, then rebuffer
      this.gainTarget = 0;
      this.pendingJump = null;
      this.starved = true;
      return;
    }
    if (this.gainTarget === 0) return; // a fade-out is under way
    if (this.mode === 'room' && this.anchor) {
      const expected = this.anchor.sample + (ctxTime - this.anchor.ctxTime) * this.streamRate;
      const errMs = ((this.streamPosAt(this.readV) - expected) * 1000) / this.streamRate;
      this.lastErrMs = errMs;
      if (Math.abs(errMs) > kRoomJumpMs) {
        this.requestJump(this.ringPosOf(expected + this.fadeLen));
        return;
      }
      this.trim = Math.max(-kMaxRoomTrim, Math.min(kMaxRoomTrim, -errMs / 2000));
    } else {
      const err = this.depthAvgMs - this.targetMs;
      const far = Math.max(400, this.targetMs);
      if (err > far && dMs > this.targetMs + far) {
        this.requestJump(this.writeEnd - (this.targetMs * this.streamRate) / 1000);
        return;
      }
      const dead = 3;
      const e = Math.abs(err) < dead ? 0 : err - Math.sign(err) * dead;
      this.trim = Math.max(-kMaxDepthTrim, Math.min(kMaxDepthTrim, e / 4000));
    }
  }

  requestJump(v) {
    this.jumps += 1;
    this.pendingJump = v;
    this.gainTarget = 0;
  }

  // The output is silent: rebuffer after starvation, or move the read position.
  afterFadeOut(ctxTime) {
    if (this.starved) {
      this.starved = false;
      this.state = 'buffering';
      this.minDepthMs = null;
      this.tryStart(ctxTime);
      return;
    }
    if (this.pendingJump !== null) {
      const v = this.pendingJump;
      this.pendingJump = null;
      if (v >= this.writeEnd - 2 || v < this.writeEnd - this.capacity + 4096) {
        this.state = 'buffering'; // not in the ring yet (or gone): wait for it
        this.tryStart(ctxTime);
        return;
      }
      this.readV = Math.max(v, this.readV - this.capacity / 2);
      this.gainTarget = 1;
    }
  }

  // Starts playback when there is enough audio (depth mode) or when the anchor's
  // sample is in the ring (room mode). Silent until then.
  tryStart(ctxTime) {
    if (this.writeEnd === null) return;
    if (this.mode === 'room') {
      if (!this.anchor) return;
      const expected = this.anchor.sample + (ctxTime - this.anchor.ctxTime) * this.streamRate;
      const v = this.ringPosOf(expected);
      const oldest = Math.max(0, this.writeEnd - this.capacity + 4096);
      const ahead = Math.max((this.fadeLen + 512) * 2, 0.05 * this.streamRate);
      if (v < oldest || v + ahead > this.writeEnd) {
        // Not playable: too old, or not arrived. Keep the read position near
        // the live edge so the ring does not overflow while we wait.
        if (v > this.writeEnd) this.readV = this.writeEnd;
        return;
      }
      this.readV = v;
    } else {
      const target = ((this.targetMs + this.startExtraMs) * this.streamRate) / 1000;
      const depth = this.writeEnd - this.readV;
      if (depth < target) return;
      if (depth > target * 2) this.readV = this.writeEnd - target; // stale: join near live
    }
    this.state = 'playing';
    this.gain = 0;
    this.gainTarget = 1;
    this.trim = 0;
    this.minDepthMs = null;
  }
}
