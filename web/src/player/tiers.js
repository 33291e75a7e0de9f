// Adaptive buffer tiers: how much audio the player keeps queued, chosen from
// the jitter of chunk arrivals. Latency or stability is the listener's choice:
// a tier can be pinned, or left on automatic.
//
// Jitter is the RFC 3550 interarrival estimate: for consecutive frames, D is
// the difference between their arrival spacing and their media spacing (from
// sample positions), and J += (|D| - J) / 16. It tracks burstiness (several
// frames in one message, a stalled socket) without caring about chunk size.
//
// Arrival jitter cannot see stalls after the socket (a busy main thread
// delaying decoder output, a decoder that falls behind, a late worklet
// message), so the buffer itself is watched too: once per worklet report the
// lowest depth of that report's window is compared with where the sawtooth's
// trough should be (the running mean depth minus half a chunk). The shortfall,
// a "dip", is held in a peak envelope (instant attack, kDipDecayMs decay) that
// every tier's margin must cover kDipSafety times. And a trough within
// kNearMissMs of the ring's starvation floor counts as a near miss: one tier up
// at once, like an underrun, at most once per kNearMissCooldownMs (the buffer
// needs time to grow to the new target, and must not be re-counted while it
// does).
//
// Hysteresis, so the tier does not flap:
//  - up at once, to the smallest tier whose margin covers kSafety x jitter;
//  - up one tier on every underrun or near miss, and no step down for
//    kUnderrunHoldMs after;
//  - start at 'defensive' (a fresh connection's jitter and dips are unknown,
//    and the seconds after Start are the likeliest to stall; on a loaded
//    2-core machine stalls of 300-450 ms were seen there), then tighten;
//  - down one tier only when the lower tier would have covered the jitter and
//    the dip envelope with kDownFactor to spare, continuously for kDownHoldMs.
// Pure logic with explicit times: node-testable, used on the main thread.

export const TIERS = ['minimal', 'normal', 'stable', 'defensive'];

/** Jitter margin (ms) each tier keeps below the sawtooth of arriving chunks. */
export const TIER_MARGIN_MS = { minimal: 30, normal: 80, stable: 200, defensive: 500 };

export const kSafety = 3;
export const kDownFactor = 2;
export const kDownHoldMs = 30000;
export const kUnderrunHoldMs = 60000;
export const kDipSafety = 1.5;
export const kDipDecayMs = 20000;
export const kNearMissMs = 8;
export const kNearMissCooldownMs = 5000;

/**
 * Mean buffer depth (ms) the player steers to for a tier: the margin is the
 * floor the depth should never cross; chunks of `chunkMs` arrive on top of it,
 * so the depth averages margin + chunk / 2.
 */
export function targetDepthMs(tier, chunkMs) {
  return TIER_MARGIN_MS[tier] + chunkMs / 2;
}

/** The smallest tier whose margin covers `jitterMs` with `factor` x safety. */
export function tierForJitter(jitterMs, factor = 1) {
  return tierForNeed(kSafety * jitterMs * factor);
}

/** The smallest tier whose margin covers a buffer dip of `dipMs` with `factor` x safety. */
export function tierForDip(dipMs, factor = 1) {
  return tierForNeed(kDipSafety * dipMs * factor);
}

function tierForNeed(needMs) {
  for (const t of TIERS) if (TIER_MARGIN_MS[t] >= needMs) return t;
  return TIERS[TIERS.length - 1];
}

export class TierController {
  /** @param {{initial?: string}} [opts] */
  constructor(opts = {}) {
    // Start safe and tighten: a step down costs nothing audible, an underrun does.
    this.tier = opts.initial ?? 'defensive';
    this.pinned = false;
    this.jitterMs = 0;
    this.underruns = 0;
    this.lastArrivalMs = null;
    this.lastMediaMs = null;
    this.downSinceMs = null;
    this.lastUnderrunMs = -Infinity;
    this.dipMs = 0; // the dip envelope
    this.dipAtMs = null; // when the envelope was last updated
    this.nearMisses = 0;
    this.lastNearMissMs = -Infinity;
  }

  /** Pins a tier (`null` returns to automatic). */
  pin(tier) {
    if (tier === null || tier === 'auto') {
      this.pinned = false;
      return;
    }
    if (!TIERS.includes(tier)) throw new Error(`unknown tier ${tier}`);
    this.pinned = true;
    this.tier = tier;
    this.downSinceMs = null;
  }

  /** Forgets the arrival history (after a reconnect or a stream jump). */
  resetTiming() {
    this.lastArrivalMs = null;
    this.lastMediaMs = null;
  }

  /**
   * One frame arrived at `nowMs` (local clock) carrying media that starts at
   * `mediaMs` (sample position / rate * 1000). Returns the tier afterwards.
   */
  onArrival(nowMs, mediaMs) {
    if (this.lastArrivalMs !== null) {
      const d = nowMs - this.lastArrivalMs - (mediaMs - this.lastMediaMs);
      // A jump in media time of more than 2 s is a resume or a skip, not jitter.
      if (Math.abs(mediaMs - this.lastMediaMs) < 2000) {
        this.jitterMs += (Math.abs(d) - this.jitterMs) / 16;
      }
    }
    this.lastArrivalMs = nowMs;
    this.lastMediaMs = mediaMs;
    return this.evaluate(nowMs);
  }

  /**
   * One worklet report at `nowMs`: `lowMs` is the lowest buffer depth of the
   * report's window (null when not playing), `avgMs` the running mean depth,
   * `floorMs` the depth at which the ring starves, `chunkMs` the chunk length.
   * Returns the tier afterwards.
   */
  onDepth(nowMs, { lowMs, avgMs, floorMs, chunkMs }) {
    if (this.dipAtMs !== null) this.dipMs *= Math.exp(-(nowMs - this.dipAtMs) / kDipDecayMs);
    this.dipAtMs = nowMs;
    if (typeof lowMs !== 'number' || typeof avgMs !== 'number') return this.tier;
    const dip = avgMs - chunkMs / 2 - lowMs;
    if (dip > this.dipMs) this.dipMs = dip;
    if (lowMs < floorMs + kNearMissMs && nowMs - this.lastNearMissMs >= kNearMissCooldownMs) {
      this.nearMisses += 1;
      this.lastNearMissMs = nowMs;
      this.stepUp(nowMs);
    }
    return this.evaluate(nowMs);
  }

  /** The player ran dry at `nowMs`. */
  onUnderrun(nowMs) {
    this.underruns += 1;
    // The starvation that follows an underrun is not a further near miss.
    this.lastNearMissMs = nowMs;
    return this.stepUp(nowMs);
  }

  stepUp(nowMs) {
    this.lastUnderrunMs = nowMs;
    this.downSinceMs = null;
    if (!this.pinned) {
      const i = TIERS.indexOf(this.tier);
      this.tier = TIERS[Math.min(i + 1, TIERS.length - 1)];
    }
    return this.tier;
  }

  /** Applies the hysteresis rules at `nowMs`; returns the (possibly new) tier. */
  evaluate(nowMs) {
    if (this.pinned) return this.tier;
    const cur = TIERS.indexOf(this.tier);
    const needed = Math.max(TIERS.indexOf(tierForJitter(this.jitterMs)), TIERS.indexOf(tierForDip(this.dipMs)));
    if (needed > cur) {
      this.tier = TIERS[needed];
      this.downSinceMs = null;
      return this.tier;
    }
    const relaxed = Math.max(
      TIERS.indexOf(tierForJitter(this.jitterMs, kDownFactor)),
      TIERS.indexOf(tierForDip(this.dipMs, kDownFactor)),
    );
    const canLower = relaxed < cur && nowMs - this.lastUnderrunMs >= kUnderrunHoldMs;
    if (!canLower) {
      this.downSinceMs = null;
    } else if (this.downSinceMs === null) {
      this.downSinceMs = nowMs;
    } else if (nowMs - this.downSinceMs >= kDownHoldMs) {
      this.tier = TIERS[cur - 1];
      this.downSinceMs = nowMs; // another step needs another full hold
    }
    return this.tier;
  }
}
