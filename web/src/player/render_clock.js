// When the audio thread renders a context time, in wall-clock time, for
// browsers where getOutputTimestamp() cannot be called (Firefox: see player.js).
//
// The worklet has Date.now() (epoch ms, 1 ms steps; AudioWorkletGlobalScope has
// no `performance` in Firefox) and `currentTime`. The browser renders in
// callbacks of one or more 128-frame quanta run back to back (Firefox 153 with
// PulseAudio: 7 quanta every ~18.7 ms), so only a callback's FIRST quantum is
// rendered when the output asks for it; the quanta after it are rendered early
// by their place in the callback. A quantum that starts more than
// kCallbackGapMs after the previous one starts a callback. Its Date.now() minus
// its context time is the render offset; a late callback only adds to it, so
// the smallest offset since the last report is the best one; OutputClock below
// turns those into the moment each frame is heard.
// Pure logic with explicit times: node-testable; onQuantum() runs on the audio
// thread and allocates nothing.

export const kCallbackGapMs = 2;

export class RenderClock {
  constructor() {
    this.lastNowMs = null;
    this.minOffsetMs = Infinity;
    this.run = 0; // quanta in the current callback so far
    this.callbackQuanta = 0; // quanta in the last whole callback
    this.callbackStartMs = null; // context ms of the newest callback's first quantum
  }

  /** Audio thread, once per quantum: `nowMs` = Date.now(), `ctxTime` = currentTime (s). */
  onQuantum(nowMs, ctxTime) {
    const starts = this.lastNowMs === null || nowMs - this.lastNowMs >= kCallbackGapMs;
    this.lastNowMs = nowMs;
    if (!starts) {
      this.run += 1;
      return;
    }
    if (this.run > 0) this.callbackQuanta = this.run;
    this.run = 1;
    this.callbackStartMs = ctxTime * 1000;
    const offset = nowMs - ctxTime * 1000;
    if (offset < this.minOffsetMs) this.minOffsetMs = offset;
  }

  /**
   * The smallest render offset (epoch ms minus context ms) of the callbacks
   * since the previous call, or null when no callback started; starts a new window.
   */
  take() {
    const m = this.minOffsetMs;
    this.minOffsetMs = Infinity;
    return Number.isFinite(m) ? m : null;
  }
}

/**
 * The delay (ms) from the start of a render callback `callbackMs` long to when
 * its first frame is heard, for Firefox, which cannot be asked (see player.js).
 * The output stream holds the callback just written on top of what was
 * queued, and the sink plays a block ahead: measured at a PulseAudio sink over
 * callbacks of 3 to 11 quanta (tests/browser/room_speakers_test.mjs), the delay
 * was the callback plus kOutputTailMs within a few ms, while the outputLatency
 * Firefox read once ranged over 12 to 49 ms for the same set-up.
 */
export const kOutputTailMs = 12;

export function outputDelayMs(callbackMs) {
  return callbackMs + kOutputTailMs;
}

export const kOutputWindow = 100; // reports: ~10 s

/**
 * Firefox's context -> heard mapping from the worklet's reports. Once the
 * output plays, every rendered frame is heard in order at the device's rate,
 * so "heard minus context time" holds still; only an output underrun (a stall
 * of the audio thread) moves it later, and the render offset rises with it.
 * The render offset also FALLS when the output stream refills its buffer
 * after such a stall (callbacks come early while it grows), and then the heard
 * time has not moved: so the mapping follows the highest render offset of the
 * last ~10 s, not its median, plus the delay of a typical callback.
 */
export class OutputClock {
  constructor() {
    this.offsets = []; // render offsets (page epoch ms minus context ms)
    this.callbacks = []; // callback lengths (ms)
  }

  /** Main thread, per worklet report. */
  add(renderOffsetMs, callbackMs) {
    this.offsets.push(renderOffsetMs);
    this.callbacks.push(callbackMs);
    if (this.offsets.length > kOutputWindow) {
      this.offsets.shift();
      this.callbacks.shift();
    }
  }

  count() {
    return this.offsets.length;
  }

  /** The delay from a callback's start to its first frame heard (ms), or null. */
  delayMs() {
    if (!this.callbacks.length) return null;
    return outputDelayMs([...this.callbacks].sort((a, b) => a - b)[this.callbacks.length >> 1]);
  }

  /** Epoch ms minus context ms at which frames are heard, or null. */
  heardOffsetMs() {
    if (!this.offsets.length) return null;
    return Math.max(...this.offsets) + this.delayMs();
  }
}
