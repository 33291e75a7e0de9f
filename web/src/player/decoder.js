// Turns AUR1 frames into planar Float32 audio with its stream sample position.
// PCM16 is decoded here; Opus goes through WebCodecs `AudioDecoder` (async),
// whose chunk timestamps carry the sample position through the decoder.
//
// Decode ahead: a frame goes to the decoder the moment it arrives when the
// decoder's queue is empty (`decodeQueueSize` 0), so output reaches the worklet
// as soon as the decoder can produce it. While the decoder is busy, arriving
// frames wait here and are handed over together, merged into one multi-frame
// Opus packet of up to 120 ms (opus_packets.js), when it next empties its queue
// (its `dequeue` event, or its next output): a decoder slowed by per-request
// round trips catches up instead of falling further behind. More than
// kMaxQueuedFrames waiting means it has stalled for good (the audio is already
// late): it is dropped and reopened at the live frames, and the ring bridges
// the gap with a fade. Runs in the decoding Worker (or on the main thread).
import { CODEC_OPUS, CODEC_PCM16, decodePcm16 } from '../protocol/frame.js';
import { canMerge, frameMs, mergePackets } from './opus_packets.js';

/** Whether this browser can decode the Opus stream (48 kHz stereo). */
export async function opusSupported() {
  if (typeof AudioDecoder === 'undefined') return false;
  try {
    const r = await AudioDecoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
    return r.supported === true;
  } catch {
    return false;
  }
}

/** Frames (20 ms each) the Opus decoder may hold before it counts as stalled. */
export const kMaxQueuedFrames = 100;

/**
 * The server's Opus encoder (libopus, OPUS_APPLICATION_AUDIO) looks 6.5 ms
 * ahead: 312 samples at 48 kHz, the pre-skip of its OpusHead. Measured at the
 * speakers, an Opus page played 6.6 ms behind a PCM16 page before this was removed.
 */
export function opusLookahead(rate) {
  return Math.round((rate * 6.5) / 1000);
}

export class FrameDecoder {
  /** @param {(pos:number, channels:Float32Array[], rate:number) => void} onAudio */
  constructor(onAudio) {
    this.onAudio = onAudio;
    this.opus = null;
    this.opusRate = 48000;
    this.errors = 0;
    this.decoded = 0;
    this.queueMax = 0; // the longest decoder queue seen
    this.resets = 0; // stalled decoders dropped
    this.requests = 0; // decode() calls made (fewer than frames when merged)
    this.pending = []; // Opus frames waiting for the decoder to be free
  }

  /** Opus frames not decoded yet: waiting here, plus requests in the decoder's queue. */
  queueSize() {
    const inDecoder = this.opus && this.opus.state === 'configured' ? this.opus.decodeQueueSize : 0;
    return this.pending.length + inDecoder;
  }

  /** Decodes one parsed frame (see protocol/frame.js). */
  decode(frame) {
    if (frame.codec === CODEC_PCM16) {
      this.decoded += 1;
      this.onAudio(frame.samplePosition, decodePcm16(frame.payload, frame.channels), frame.sampleRate);
      return;
    }
    if (frame.codec !== CODEC_OPUS) return;
    const queued = this.queueSize();
    if (queued > this.queueMax) this.queueMax = queued;
    if (queued > kMaxQueuedFrames) {
      this.resets += 1;
      this.close();
    }
    if (!this.opus || this.opus.state === 'closed') this.openOpus(frame);
    this.pending.push(frame);
    this.feed();
  }

  // Hands the waiting frames to the decoder once its queue is empty, merged
  // into as few packets as the frames allow (contiguous, same TOC, <= 120 ms).
  feed() {
    if (!this.opus || this.opus.state !== 'configured' || this.opus.decodeQueueSize > 0) return;
    const frames = this.pending;
    this.pending = [];
    let i = 0;
    while (i < frames.length) {
      const first = frames[i];
      const run = [first.payload];
      const step = first.payload.length ? (frameMs(first.payload[0] >> 3) * first.sampleRate) / 1000 : 0;
      for (i += 1; i < frames.length; i++) {
        const f = frames[i];
        if (f.samplePosition !== first.samplePosition + run.length * step || !canMerge(run, f.payload)) break;
        run.push(f.payload);
      }
      // Microseconds; a position maps back exactly (rounding error < 0.03 sample).
      const timestamp = Math.round((first.samplePosition * 1e6) / first.sampleRate);
      try {
        this.requests += 1;
        this.opus.decode(new EncodedAudioChunk({ type: 'key', timestamp, data: mergePackets(run) }));
      } catch {
        this.errors += 1;
        this.close();
        return;
      }
    }
  }

  openOpus(frame) {
    this.opusRate = frame.sampleRate;
    this.opus = new AudioDecoder({
      output: (data) => {
        this.onOpusData(data);
        this.feed();
      },
      error: () => {
        this.errors += 1; // the decoder closes itself; the next frame reopens it
      },
    });
    this.opus.configure({ codec: 'opus', sampleRate: frame.sampleRate, numberOfChannels: frame.channels });
    // The queue emptied: hand over what waited meanwhile (browsers without the
    // event fall back to the next output or arrival).
    this.opus.addEventListener?.('dequeue', () => this.feed());
  }

  onOpusData(data) {
    try {
      const n = data.numberOfFrames;
      const channels = [];
      for (let c = 0; c < data.numberOfChannels; c++) {
        const a = new Float32Array(n);
        data.copyTo(a, { planeIndex: c, format: 'f32-planar' });
        channels.push(a);
      }
      // The frame's position is the encoder's input; what comes out of the
      // decoder lags it by the encoder's lookahead (the OpusHead pre-skip).
      const pos = Math.round((data.timestamp * this.opusRate) / 1e6) - opusLookahead(this.opusRate);
      this.decoded += 1;
      this.onAudio(pos, channels, data.sampleRate);
    } finally {
      data.close();
    }
  }

  /** Drops the Opus decoder's state (a new stream starts). */
  close() {
    if (this.opus && this.opus.state !== 'closed') {
      try {
        this.opus.close();
      } catch {
        /* already closed */
      }
    }
    this.opus = null;
    this.pending = [];
  }
}
