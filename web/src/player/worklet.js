// The AudioWorklet side of the player: a RingPlayer fed by port messages (no
// SharedArrayBuffer: that needs cross-origin isolation headers the server does
// not send). Runs on the browser's audio rendering thread: no allocation in
// process() beyond the periodic report object, no blocking.
//
// Main -> worklet messages:
//   {type:'config', targetMs?, mode?: 'depth'|'room', streamRate?, startExtraMs?}
//   {type:'chunk', pos, channels: Float32Array[]}   (buffers transferred)
//   {type:'anchor', ctxTime, sample}                 (room mode)
//   {type:'reset'}
//   {type:'decoderPort', port}  (the decoding Worker's channel: it carries
//                                'chunk', 'config' and 'reset' messages too)
// Worklet -> main, every ~100 ms:
//   {type:'report', ctxTime, sample, depthMs, depthAvgMs, minDepthMs, underruns,
//    jumps, overflows, state, trim, errMs, quanta, lowMs, floorMs, renderOffsetMs}
//   `lowMs` is the lowest depth since the previous report (null when not playing),
//   `floorMs` the depth under which an underrun starts.
//   `sample` is the stream sample position rendered at context time `ctxTime`;
//   `renderOffsetMs` the epoch ms minus context ms at which callbacks began
//   rendering (render_clock.js), null when none began; `callbackQuanta` the
//   quanta per render callback, `callbackStartMs` the context ms of the newest
//   callback's first quantum.
import { RingPlayer } from './ring.js';
import { RenderClock } from './render_clock.js';

const kReportEvery = 37; // quanta of 128 frames: ~100 ms at 48 kHz

class AuralisPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions ?? {};
    this.ring = new RingPlayer({ streamRate: o.streamRate ?? sampleRate, outRate: sampleRate });
    this.quanta = 0;
    this.renderClock = new RenderClock();
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(m) {
    switch (m.type) {
      case 'chunk':
        this.ring.push(m.pos, m.channels);
        break;
      case 'config':
        this.ring.configure(m);
        break;
      case 'anchor':
        this.ring.setAnchor(m.ctxTime, m.sample);
        break;
      case 'reset':
        this.ring.reset();
        break;
      case 'decoderPort':
        m.port.onmessage = (e) => this.onMessage(e.data);
        break;
      default:
        break;
    }
  }

  process(_inputs, outputs) {
    this.renderClock.onQuantum(Date.now(), currentTime);
    const out = outputs[0];
    const frames = out[0].length;
    const ring = this.ring;
    const sampleBefore = ring.state === 'playing' ? ring.streamPosAt(ring.readV) : null;
    ring.render(out, frames, currentTime);
    this.quanta += 1;
    if (this.quanta % kReportEvery === 0) {
      this.port.postMessage({
        type: 'report',
        ctxTime: currentTime,
        sample: sampleBefore,
        depthMs: ring.depthMs(),
        depthAvgMs: ring.depthAvgMs,
        minDepthMs: ring.minDepthMs,
        underruns: ring.underruns,
        jumps: ring.jumps,
        overflows: ring.overflows,
        state: ring.state,
        gain: ring.gain,
        trim: ring.trim,
        errMs: ring.lastErrMs,
        quanta: this.quanta,
        lowMs: ring.takeLow(),
        floorMs: ring.floorMs(frames),
        renderOffsetMs: this.renderClock.take(),
        callbackQuanta: this.renderClock.callbackQuanta,
        callbackStartMs: this.renderClock.callbackStartMs,
      });
    }
    return true;
  }
}

registerProcessor('auralis-player', AuralisPlayer);
