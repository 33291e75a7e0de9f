// The binary audio frame of the wire contract (docs/protocol.md, "Binary audio
// frames"): a fixed 32-byte little-endian header, then the payload. One binary
// WebSocket message may hold several frames back to back (opt-in batching), so
// the parser walks the whole message and returns every complete frame.
//
//   offset size field
//        0    4 magic "AUR1"
//        4    1 codec (1 = PCM16, 2 = Opus)
//        5    1 channels
//        6    2 reserved
//        8    4 sample rate (Hz)
//       12    8 sequence number (u64)
//       20    8 sample position of the payload's first frame (u64)
//       28    4 payload length (u32)
//
// Pure functions; safe on any thread (main, worker, worklet) and in node.

export const HEADER_SIZE = 32;
export const CODEC_PCM16 = 1;
export const CODEC_OPUS = 2;

const MAGIC = [0x41, 0x55, 0x52, 0x31]; // "AUR1"

/** Name of a codec byte as the protocol spells it in `subscribe`. */
export function codecName(codec) {
  if (codec === CODEC_PCM16) return 'pcm16';
  if (codec === CODEC_OPUS) return 'opus';
  return 'unknown';
}

// u64 fields: positions and sequence numbers stay far below 2^53 (2^53 samples
// at 48 kHz is ~6000 years), so a Number is exact; larger values are refused.
function readU64(view, offset) {
  const lo = view.getUint32(offset, true);
  const hi = view.getUint32(offset + 4, true);
  if (hi >= 0x200000) return NaN;
  return hi * 0x100000000 + lo;
}

/**
 * Parses every AUR1 frame in a binary message.
 * @param {ArrayBuffer|Uint8Array} message
 * @returns {{frames: Array<{codec:number, channels:number, sampleRate:number,
 *   sequence:number, samplePosition:number, payload:Uint8Array}>, error: string|null}}
 *   `payload` is a view into the message (no copy). `error` says why parsing
 *   stopped early; frames before the fault are still returned.
 */
export function parseFrames(message) {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (bytes.byteLength - offset < HEADER_SIZE) {
      return { frames, error: `truncated header at byte ${offset}` };
    }
    for (let i = 0; i < 4; i++) {
      if (bytes[offset + i] !== MAGIC[i]) return { frames, error: `bad magic at byte ${offset}` };
    }
    const codec = view.getUint8(offset + 4);
    if (codec !== CODEC_PCM16 && codec !== CODEC_OPUS) {
      return { frames, error: `unknown codec ${codec} at byte ${offset}` };
    }
    const channels = view.getUint8(offset + 5);
    const sampleRate = view.getUint32(offset + 8, true);
    const sequence = readU64(view, offset + 12);
    const samplePosition = readU64(view, offset + 20);
    const length = view.getUint32(offset + 28, true);
    if (channels < 1 || sampleRate < 1 || Number.isNaN(sequence) || Number.isNaN(samplePosition)) {
      return { frames, error: `bad header field at byte ${offset}` };
    }
    const start = offset + HEADER_SIZE;
    if (start + length > bytes.byteLength) {
      return { frames, error: `payload of ${length} bytes overruns the message at byte ${offset}` };
    }
    frames.push({
      codec,
      channels,
      sampleRate,
      sequence,
      samplePosition,
      payload: bytes.subarray(start, start + length),
    });
    offset = start + length;
  }
  return { frames, error: null };
}

/**
 * Decodes interleaved signed 16-bit little-endian PCM into one Float32Array per
 * channel (planar, in [-1, 1)). A trailing partial frame is ignored.
 */
export function decodePcm16(payload, channels) {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const frames = Math.floor(payload.byteLength / (2 * channels));
  const out = [];
  for (let c = 0; c < channels; c++) out.push(new Float32Array(frames));
  let p = 0;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      out[c][i] = view.getInt16(p, true) / 32768;
      p += 2;
    }
  }
  return out;
}

/** Builds one AUR1 frame (tests and tools): header fields plus payload bytes. */
export function encodeFrame({ codec, channels, sampleRate, sequence, samplePosition }, payload) {
  const out = new Uint8Array(HEADER_SIZE + payload.byteLength);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint8(4, codec);
  view.setUint8(5, channels);
  view.setUint32(8, sampleRate, true);
  const put64 = (off, v) => {
    view.setUint32(off, v % 0x100000000, true);
    view.setUint32(off + 4, Math.floor(v / 0x100000000), true);
  };
  put64(12, sequence);
  put64(20, samplePosition);
  view.setUint32(28, payload.byteLength, true);
  out.set(payload, HEADER_SIZE);
  return out;
}
