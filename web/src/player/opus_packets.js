// Merges consecutive single-frame Opus packets into one multi-frame packet
// (RFC 6716 section 3.2.5, "code 3": a TOC byte, a frame-count byte, the
// lengths of all frames but the last, then the frames). Browsers' WebCodecs
// decoders serve one request at a time, each a round trip between threads;
// on a loaded machine that round trip can exceed a 20 ms packet's duration and
// the decoder queue grows without bound. Handing over up to 120 ms per request
// divides the round trips by up to six, while decoding exactly the same frames.
// Pure logic: node-testable, used wherever the decoder runs.

/** At most 120 ms of audio per Opus packet (RFC 6716 3.2.5). */
export const kMaxPacketMs = 120;

/** Duration (ms) of one frame of TOC configuration `config` (RFC 6716 table 2). */
export function frameMs(config) {
  if (config < 12) return [10, 20, 40, 60][config & 3]; // SILK
  if (config < 16) return [10, 20][config & 1]; // hybrid
  return [2.5, 5, 10, 20][config & 3]; // CELT
}

/** Whether `packet` holds exactly one frame (code 0) whose duration is known. */
export function singleFrame(packet) {
  return packet.length >= 1 && (packet[0] & 3) === 0;
}

/**
 * Whether `next` can follow `packets` inside one code-3 packet: all code 0 with
 * the same TOC (mode, bandwidth, frame size, channels), total within 120 ms.
 */
export function canMerge(packets, next) {
  if (!singleFrame(next)) return false;
  if (packets.length === 0) return true;
  const toc = packets[0][0];
  if (!singleFrame(packets[0]) || next[0] !== toc) return false;
  return (packets.length + 1) * frameMs(toc >> 3) <= kMaxPacketMs;
}

/** One packet holding the frames of `packets` (see canMerge); a single one is returned as is. */
export function mergePackets(packets) {
  if (packets.length === 1) return packets[0];
  const toc = packets[0][0];
  const frames = packets.map((p) => p.subarray(1));
  const sizes = [];
  for (let i = 0; i + 1 < frames.length; i++) {
    const n = frames[i].length;
    sizes.push(...(n < 252 ? [n] : [252 + (n & 3), (n - 252 - (n & 3)) >> 2]));
  }
  const total = 2 + sizes.length + frames.reduce((s, f) => s + f.length, 0);
  const out = new Uint8Array(total);
  out[0] = (toc & 0xfc) | 3;
  out[1] = 0x80 | frames.length; // VBR, no padding, M frames
  out.set(sizes, 2);
  let at = 2 + sizes.length;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
