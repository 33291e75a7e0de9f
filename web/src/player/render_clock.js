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
// the smallest offset since the last report is the best one, and the page takes
// the median of those over the last few seconds (see player.js).
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
