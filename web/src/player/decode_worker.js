// The decoding thread: a dedicated Worker that turns AUR1 frames into planar
// audio and posts it straight to the AudioWorklet through a MessagePort, so
// neither the decoder's round trips nor its output ever wait behind the page's
// main thread (canvas drawing, plots, the DOM). Under load those waits backed
// the WebCodecs decoder queue up by hundreds of milliseconds while the frames
// themselves had arrived on time.
//
// Main -> worker: {type:'port', port}  (the worklet's end; chunks and rate
//                                       changes go there, in order)
//                 {type:'frame', codec, channels, sampleRate, samplePosition,
//                  payload: ArrayBuffer}  (the payload is transferred)
//                 {type:'reset'}         (a new stream: drop the decoder state
//                                         and the worklet's audio)
//                 {type:'close'}         (the connection closed: drop the
//                                         decoder state only)
// Worker -> main, after each frame at most every 250 ms:
//                 {type:'stats', decoded, requests, errors, queue, queueMax, resets, rate}
import { FrameDecoder } from './decoder.js';

const kStatsEveryMs = 250;

let port = null;
let rate = null;
let lastStats = 0;
const decoder = new FrameDecoder((pos, channels, r) => {
  if (!port) return;
  if (r !== rate) {
    rate = r;
    port.postMessage({ type: 'config', streamRate: r });
  }
  port.postMessage({ type: 'chunk', pos, channels }, channels.map((c) => c.buffer));
});

function stats() {
  self.postMessage({
    type: 'stats',
    decoded: decoder.decoded,
    requests: decoder.requests,
    errors: decoder.errors,
    queue: decoder.queueSize(),
    queueMax: decoder.queueMax,
    resets: decoder.resets,
    rate,
  });
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'frame') {
    decoder.decode({ ...m, payload: new Uint8Array(m.payload) });
    const now = performance.now();
    if (now - lastStats >= kStatsEveryMs) {
      lastStats = now;
      stats();
    }
  } else if (m.type === 'close') {
    decoder.close();
  } else if (m.type === 'port') {
    port = m.port;
  } else if (m.type === 'reset') {
    // Through the same port as the chunks, so none of the old stream follows it.
    decoder.close();
    port?.postMessage({ type: 'reset' });
    stats();
  }
};
