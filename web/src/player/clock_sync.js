// Where the server's clocks are, seen from the page.
//
// 1. Offset to the server's wall clock, from ping/pong exchanges: a pong sent
//    at local t0 and received at t1 says the server read `serverTime` somewhere
//    in [t0, t1]; the exchange with the smallest round trip bounds it best, so
//    the estimate is serverTime - (t0 + t1) / 2 of the minimum-RTT exchange in
//    a sliding window (NTP's clock filter, simplified).
// 2. The server time at which each sample position was produced: the pong's
//    `samplePosition` (newest frame at `serverTime`) when the server sends it,
//    else each frame's arrival (it cannot arrive before its last sample was
//    produced). Both give base = time - position / rate >= the true base, so the
//    minimum over a window is the tightest bound; the window lets a re-anchored
//    sample clock (a stall on the server) be followed within it.
// All times in milliseconds; the local clock is epoch ms (performance.timeOrigin
// + performance.now()), the server's `serverTime` is epoch seconds.
// Pure logic with explicit times: node-testable, used on the main thread.

export const kOffsetWindow = 24;
export const kBaseWindowMs = 30000;

class MinWindow {
  constructor(spanMs) {
    this.spanMs = spanMs;
    this.items = []; // {at, value}
  }
  add(at, value) {
    this.items.push({ at, value });
    while (this.items.length && at - this.items[0].at > this.spanMs) this.items.shift();
  }
  min() {
    let m = Infinity;
    for (const it of this.items) m = Math.min(m, it.value);
    return Number.isFinite(m) ? m : null;
  }
}

export class ClockSync {
  constructor() {
    this.reset();
  }

  /** Forgets everything (a new server, or a reconnect). */
  reset() {
    this.exchanges = []; // {rtt, offset}
    this.pongBase = new MinWindow(kBaseWindowMs);
    this.arrivalBase = new MinWindow(kBaseWindowMs);
    this.sampleRate = null;
  }

  /**
   * One ping/pong exchange: sent at local `t0Ms`, answered at `t1Ms`.
   * `pong` is the server's message ({serverTime, samplePosition?, sampleRate?}).
   */
  addPong(t0Ms, t1Ms, pong) {
    const rtt = t1Ms - t0Ms;
    if (!(rtt >= 0) || typeof pong.serverTime !== 'number') return;
    const serverMs = pong.serverTime * 1000;
    this.exchanges.push({ rtt, offset: serverMs - (t0Ms + t1Ms) / 2 });
    if (this.exchanges.length > kOffsetWindow) this.exchanges.shift();
    if (typeof pong.samplePosition === 'number' && pong.sampleRate > 0) {
      this.sampleRate = pong.sampleRate;
      this.pongBase.add(serverMs, serverMs - (pong.samplePosition * 1000) / pong.sampleRate);
    }
  }

  /**
   * A frame whose samples end at `endPosition` arrived at local `arrivalMs`.
   * Used for the sample clock only while pongs carry no samplePosition.
   */
  addFrameArrival(arrivalMs, endPosition, sampleRate) {
    const offset = this.offsetMs();
    if (offset === null) return;
    if (this.sampleRate === null) this.sampleRate = sampleRate;
    const serverMs = arrivalMs + offset;
    this.arrivalBase.add(serverMs, serverMs - (endPosition * 1000) / sampleRate);
  }

  /** Server clock minus local clock (ms), or null before the first pong. */
  offsetMs() {
    if (!this.exchanges.length) return null;
    let best = this.exchanges[0];
    for (const e of this.exchanges) if (e.rtt < best.rtt) best = e;
    return best.offset;
  }

  /** The smallest round trip in the window (ms), or null. */
  minRttMs() {
    if (!this.exchanges.length) return null;
    return Math.min(...this.exchanges.map((e) => e.rtt));
  }

  /** Which source dates samples: 'pong', 'arrival' or null. */
  sampleClockSource() {
    if (this.pongBase.min() !== null) return 'pong';
    if (this.arrivalBase.min() !== null) return 'arrival';
    return null;
  }

  /** Server epoch ms at which sample `position` was produced, or null. */
  serverTimeOfSample(position) {
    const base = this.pongBase.min() ?? this.arrivalBase.min();
    if (base === null || !this.sampleRate) return null;
    return base + (position * 1000) / this.sampleRate;
  }

  /** The sample position produced at server epoch ms `serverMs`, or null. */
  sampleAtServerTime(serverMs) {
    const base = this.pongBase.min() ?? this.arrivalBase.min();
    if (base === null || !this.sampleRate) return null;
    return ((serverMs - base) * this.sampleRate) / 1000;
  }
}
