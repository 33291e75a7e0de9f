// The player: subscribes to the audio stream, decodes frames, feeds the
// AudioWorklet's ring, picks the buffer tier, keeps the server clock, steers
// room-mode playback, and reports its figures to the server (client_report).
// Main thread. Frames are decoded in a dedicated Worker (decode_worker.js) that
// posts the audio straight to the worklet, so a busy main thread cannot back up
// the decoder; without Workers the page decodes itself (decoder.js).
import { parseFrames, CODEC_PCM16 } from '../protocol/frame.js';
import { TierController, targetDepthMs } from './tiers.js';
import { ClockSync } from './clock_sync.js';
import { FrameDecoder, opusSupported } from './decoder.js';
import { OutputClock } from './render_clock.js';

export const kRoomDelayMs = 400; // every page of a room plays sample s at serverTime(s) + this
const kPingEveryMs = 500;
const kReportEveryMs = 2000;
const kAnchorEveryMs = 250;
// Depth mode (re)starts this much above the tier's target and drains to it
// over about 30 s (see ring.js): a stall right after Start is the likeliest.
const kStartExtraMs = 100;

const epochNow = () => performance.timeOrigin + performance.now();
// Whether getOutputTimestamp() may be called from the page (see sampleTimestamp).
const kOutputTimestampSafe = !/\bFirefox\//.test(globalThis.navigator?.userAgent ?? '');

export class Player extends EventTarget {
  /**
   * @param {import('../protocol/connection.js').Connection} conn
   * @param {{codec?: string, room?: string|null, telemetry: string[], workletUrl: string,
   *   decoderUrl?: string}} opts
   */
  constructor(conn, opts) {
    super();
    this.conn = conn;
    this.codecChoice = opts.codec ?? 'auto';
    this.room = opts.room || null;
    this.telemetry = opts.telemetry;
    this.workletUrl = opts.workletUrl;
    this.decoderUrl = opts.decoderUrl ?? null;
    this.decodeWorker = null;
    this.workerStats = null; // the decoding Worker's latest figures
    this.ctx = null;
    this.node = null;
    this.gain = null;
    this.volume = 0.8;
    this.running = false;
    this.codec = null; // the codec subscribed to
    this.codecNote = null; // why it is not the one asked for
    this.streamRate = 48000;
    this.lastSeq = null;
    this.lastSeqCodec = null;
    this.tiers = new TierController();
    this.clock = new ClockSync();
    this.decoder = new FrameDecoder((pos, ch, rate) => this.onAudio(pos, ch, rate));
    this.report = null; // the worklet's latest report
    this.underrunsSeen = 0;
    this.framesIn = 0;
    this.bytesIn = 0;
    this.parseErrors = 0;
    this.tsOffsets = []; // recent (epoch - contextTime) samples, ms
    this.latencyMs = null;
    this.outputClock = new OutputClock(); // Firefox's mapping (render_clock.js)
    this.timers = [];
    conn.addEventListener('open', () => this.onOpen());
    conn.addEventListener('binary', (e) => this.onBinary(e.detail));
    // The decoder's state goes with the connection; the ring keeps playing what
    // it holds while the page reconnects and resumes.
    conn.addEventListener('close', () => {
      this.decoder.close();
      this.decodeWorker?.postMessage({ type: 'close' });
    });
  }

  /** Call from a click handler (autoplay rules): builds the audio graph and subscribes. */
  async start() {
    if (this.running) return;
    if (!this.ctx) {
      this.ctx = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
      const resumed = this.ctx.resume(); // inside the gesture, before any await
      await this.ctx.audioWorklet.addModule(this.workletUrl);
      this.node = new AudioWorkletNode(this.ctx, 'auralis-player', {
        numberOfInputs: 0,
        outputChannelCount: [2],
        processorOptions: { streamRate: this.streamRate },
      });
      this.node.port.onmessage = (e) => this.onWorklet(e.data);
      this.gain = new GainNode(this.ctx, { gain: this.volume });
      this.analyser = new AnalyserNode(this.ctx, { fftSize: 2048, smoothingTimeConstant: 0.6 });
      const split = new ChannelSplitterNode(this.ctx, { numberOfOutputs: 2 });
      this.meterL = new AnalyserNode(this.ctx, { fftSize: 1024 });
      this.meterR = new AnalyserNode(this.ctx, { fftSize: 1024 });
      this.node.connect(this.gain).connect(this.ctx.destination);
      this.node.connect(this.analyser);
      this.node.connect(split);
      split.connect(this.meterL, 0);
      split.connect(this.meterR, 1);
      this.startDecodeWorker();
      await resumed;
    } else {
      await this.ctx.resume();
    }
    this.codec = await this.pickCodec();
    this.running = true;
    this.configureWorklet();
    this.timers.push(setInterval(() => this.sendReport(), kReportEveryMs));
    this.timers.push(setInterval(() => this.updateAnchor(), kAnchorEveryMs));
    this.subscribe();
    this.emit();
  }

  async stop() {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.conn.send({ type: 'subscribe', audio: 'off' });
    this.resetDecoder();
    await this.ctx?.suspend();
    this.emit();
  }

  setVolume(v) {
    this.volume = v;
    if (this.gain) this.gain.gain.setTargetAtTime(v, this.ctx.currentTime, 0.02);
  }

  /** 'auto' or a tier name. */
  pinTier(tier) {
    this.tiers.pin(tier === 'auto' ? null : tier);
    this.configureWorklet();
    this.emit();
  }

  setCodec(choice) {
    this.codecChoice = choice;
    if (!this.running) return;
    this.restartStream();
  }

  setRoom(room) {
    this.room = room || null;
    this.configureWorklet();
    if (this.running) this.subscribe();
    this.emit();
  }

  async restartStream() {
    this.codec = await this.pickCodec();
    this.resetDecoder();
    this.tiers.resetTiming();
    this.configureWorklet();
    this.subscribe();
  }

  // Opus needs WebCodecs' AudioDecoder (Chromium 94+, Firefox 130+). Without
  // it the page plays PCM16, also when Opus was asked for, and says why.
  async pickCodec() {
    const wantsOpus = this.codecChoice !== 'pcm16';
    const opus = wantsOpus && (await opusSupported());
    this.codecNote = wantsOpus && !opus ? 'no WebCodecs Opus decoder here: PCM16 instead' : null;
    return opus ? 'opus' : 'pcm16';
  }

  /** The subscription as the server should hold it now (audio included when running). */
  subscribe() {
    const msg = { type: 'subscribe', audio: this.running ? this.codec : 'off', telemetry: this.telemetry };
    if (this.running && this.lastSeq !== null && this.lastSeqCodec === this.codec) msg.resume = this.lastSeq;
    if (this.room) msg.room = this.room;
    return this.conn.request(msg);
  }

  chunkMs() {
    return this.codec === 'pcm16' ? 100 : 20;
  }

  configureWorklet() {
    if (!this.node) return;
    this.node.port.postMessage({
      type: 'config',
      targetMs: targetDepthMs(this.tiers.tier, this.chunkMs()),
      startExtraMs: kStartExtraMs,
      mode: this.room ? 'room' : 'depth',
    });
  }

  onOpen() {
    this.clock.reset();
    this.tiers.resetTiming();
    this.tsOffsets = [];
    this.pingBurst();
    this.subscribe();
  }

  async pingBurst() {
    for (let i = 0; i < 8 && this.conn.isOpen(); i++) {
      await this.ping();
      await new Promise((r) => setTimeout(r, 60));
    }
    if (!this.pingTimer) this.pingTimer = setInterval(() => this.ping(), kPingEveryMs);
  }

  async ping() {
    if (!this.conn.isOpen()) return;
    const t0 = epochNow();
    const pong = await this.conn.request({ type: 'ping' });
    const t1 = epochNow();
    if (pong.type === 'pong') this.clock.addPong(t0, t1, pong);
  }

  onBinary(buf) {
    if (!this.running) return;
    const arrival = epochNow();
    const { frames, error } = parseFrames(buf);
    if (error) this.parseErrors += 1;
    this.bytesIn += buf.byteLength;
    for (const f of frames) {
      this.framesIn += 1;
      this.lastSeq = f.sequence;
      this.lastSeqCodec = f.codec === CODEC_PCM16 ? 'pcm16' : 'opus';
      const before = this.tiers.tier;
      this.tiers.onArrival(arrival, (f.samplePosition * 1000) / f.sampleRate);
      if (this.tiers.tier !== before) this.configureWorklet();
      const frames = f.codec === CODEC_PCM16 ? f.payload.byteLength / (2 * f.channels) : f.sampleRate / 50;
      this.clock.addFrameArrival(arrival, f.samplePosition + frames, f.sampleRate);
      this.decode(f);
    }
  }

  // The decoding Worker, joined to the worklet by a MessageChannel. Any failure
  // (no module Workers, a blocked URL) leaves decoding on this thread.
  startDecodeWorker() {
    if (!this.decoderUrl || typeof Worker === 'undefined' || typeof MessageChannel === 'undefined') return;
    try {
      const w = new Worker(this.decoderUrl, { type: 'module' });
      const ch = new MessageChannel();
      this.node.port.postMessage({ type: 'decoderPort', port: ch.port2 }, [ch.port2]);
      w.postMessage({ type: 'port', port: ch.port1 }, [ch.port1]);
      w.onmessage = (e) => {
        if (e.data.type !== 'stats') return;
        this.workerStats = e.data;
        if (e.data.rate) this.streamRate = e.data.rate;
      };
      w.onerror = () => {
        this.decodeWorker = null; // the frames that follow are decoded here
        w.terminate();
      };
      this.decodeWorker = w;
    } catch {
      this.decodeWorker = null;
    }
  }

  decode(f) {
    if (!this.decodeWorker) {
      this.decoder.decode(f);
      return;
    }
    const payload = f.payload.slice(); // its own buffer, transferred
    this.decodeWorker.postMessage(
      { type: 'frame', codec: f.codec, channels: f.channels, sampleRate: f.sampleRate,
        samplePosition: f.samplePosition, payload: payload.buffer },
      [payload.buffer],
    );
  }

  /** A new stream: drops decoder state and the worklet's audio (in stream order). */
  resetDecoder() {
    this.decoder.close();
    if (this.decodeWorker) this.decodeWorker.postMessage({ type: 'reset' });
    else this.node?.port.postMessage({ type: 'reset' });
  }

  decoderFigures() {
    const w = this.decodeWorker ? this.workerStats : null;
    const d = this.decoder;
    return {
      where: this.decodeWorker ? 'worker' : 'page',
      errors: d.errors + (w?.errors ?? 0),
      queue: w ? w.queue : d.queueSize(),
      queueMax: Math.max(d.queueMax, w?.queueMax ?? 0),
      resets: d.resets + (w?.resets ?? 0),
      requests: d.requests + (w?.requests ?? 0),
    };
  }

  onAudio(pos, channels, rate) {
    if (!this.node) return;
    if (rate !== this.streamRate) {
      this.streamRate = rate;
      this.node.port.postMessage({ type: 'config', streamRate: rate });
    }
    this.node.port.postMessage({ type: 'chunk', pos, channels }, channels.map((c) => c.buffer));
  }

  onWorklet(m) {
    if (m.type !== 'report') return;
    this.report = m;
    const before = this.tiers.tier;
    const now = epochNow();
    if (m.underruns > this.underrunsSeen) {
      this.underrunsSeen = m.underruns;
      this.tiers.onUnderrun(now);
    }
    // The buffer's own trough: sees stalls between the socket and the worklet.
    this.tiers.onDepth(now, { lowMs: m.lowMs, avgMs: m.depthAvgMs, floorMs: m.floorMs, chunkMs: this.chunkMs() });
    if (this.tiers.tier !== before) this.configureWorklet();
    this.sampleTimestamp(m);
    const audible = this.ctxToEpochMs(m.ctxTime);
    const offset = this.clock.offsetMs();
    const produced = m.sample === null ? null : this.clock.serverTimeOfSample(m.sample);
    this.latencyMs = audible !== null && offset !== null && produced !== null ? audible + offset - produced : null;
    this.emit();
  }

  // Context time -> epoch ms at which it is heard, median-filtered over the
  // last 31 reports because each pair carries a few ms of noise.
  // Chromium: getOutputTimestamp() (the sample at the output now and the
  // performance time of "now").
  // Firefox (153 ESR) answers getOutputTimestamp(), and the first read of
  // outputLatency, by a synchronous call into its audio output stream from the
  // page's thread; with two pages playing, that stalled them for good. So it
  // gets neither: the worklet says when its render callbacks began (Date.now()
  // there, moved onto this page's clock) and how long they are, and
  // render_clock.js adds the delay to the speaker, as measured at the speakers
  // (tests/browser/room_speakers_test.mjs), not from the page's own figures.
  sampleTimestamp(m) {
    if (!kOutputTimestampSafe) {
      if (typeof m.renderOffsetMs !== 'number' || !(m.callbackQuanta > 0)) return;
      this.outputClock.add(m.renderOffsetMs + (epochNow() - Date.now()), (m.callbackQuanta * 128 * 1000) / this.ctx.sampleRate);
      return;
    } else {
      const ts = this.ctx.getOutputTimestamp?.();
      if (!ts || !(ts.contextTime > 0) || !(ts.performanceTime > 0)) return;
      this.tsOffsets.push(performance.timeOrigin + ts.performanceTime - ts.contextTime * 1000);
    }
    if (this.tsOffsets.length > 31) this.tsOffsets.shift();
  }

  ctxToEpochMs(ctxTime) {
    if (!kOutputTimestampSafe) {
      const heard = this.outputClock.heardOffsetMs();
      return heard === null ? null : heard + ctxTime * 1000;
    }
    if (!this.tsOffsets.length) return null;
    const sorted = [...this.tsOffsets].sort((a, b) => a - b);
    return sorted[sorted.length >> 1] + ctxTime * 1000;
  }

  // Room mode: tells the worklet which stream sample belongs at a context time:
  // the one the server produced roomDelay before the moment it will be heard.
  updateAnchor() {
    // A few timestamp pairs first: the browser's earliest ones can be far off.
    const pairs = kOutputTimestampSafe ? this.tsOffsets.length : this.outputClock.count();
    if (!this.room || !this.node || !this.ctx || pairs < 5) return;
    const c = this.ctx.currentTime + 0.05;
    const audible = this.ctxToEpochMs(c);
    const offset = this.clock.offsetMs();
    if (audible === null || offset === null) return;
    const sample = this.clock.sampleAtServerTime(audible + offset - kRoomDelayMs);
    if (sample === null) return;
    this.node.port.postMessage({ type: 'anchor', ctxTime: c, sample });
  }

  sendReport() {
    if (!this.conn.isOpen()) return;
    const s = this.stats();
    const msg = {
      type: 'client_report',
      reqId: 'client_report',
      tier: s.tier,
      pinned: s.pinned,
      bufferMs: Math.round(s.depthMs ?? 0),
      jitterMs: Math.round(s.jitterMs * 10) / 10,
      underruns: s.underruns,
      latencyMs: Math.round(s.latencyMs ?? s.depthMs ?? 0),
      codec: s.codec ?? 'pcm16',
    };
    if (this.room) msg.room = this.room;
    this.conn.send(msg);
  }

  /** Everything the page shows about the player (and tests read). */
  stats() {
    const r = this.report;
    const dec = this.decoderFigures();
    return {
      running: this.running,
      codec: this.codec,
      decoder: this.codec === 'opus' ? 'webcodecs' : 'pcm16',
      codecNote: this.codecNote,
      tier: this.tiers.tier,
      pinned: this.tiers.pinned,
      jitterMs: this.tiers.jitterMs,
      dipMs: this.tiers.dipMs,
      nearMisses: this.tiers.nearMisses,
      decodeQueue: dec.queue,
      decodeQueueMax: dec.queueMax,
      decoderResets: dec.resets,
      decodeRequests: dec.requests,
      decodeThread: dec.where,
      depthMs: r ? r.depthMs : null,
      depthAvgMs: r ? r.depthAvgMs : null,
      minDepthMs: r ? r.minDepthMs : null,
      targetMs: targetDepthMs(this.tiers.tier, this.chunkMs()),
      underruns: r ? r.underruns : 0,
      jumps: r ? r.jumps : 0,
      state: r ? r.state : 'idle',
      trim: r ? r.trim : 0,
      roomErrMs: r ? r.errMs : 0,
      quanta: r ? r.quanta : 0,
      latencyMs: this.latencyMs,
      outputDelayMs: kOutputTimestampSafe ? null : this.outputClock.delayMs(),
      offsetMs: this.clock.offsetMs(),
      rttMs: this.clock.minRttMs(),
      clockSource: this.clock.sampleClockSource(),
      framesIn: this.framesIn,
      bytesIn: this.bytesIn,
      decodeErrors: dec.errors,
      parseErrors: this.parseErrors,
      lastSeq: this.lastSeq,
      room: this.room,
      sampleRate: this.streamRate,
      contextState: this.ctx ? this.ctx.state : 'none',
    };
  }

  /** Room sync probe: the stream sample heard at an epoch time (ms), from the worklet's report. */
  syncProbe() {
    const r = this.report;
    if (!r || r.sample === null || r.state !== 'playing') return null;
    const epochMs = this.ctxToEpochMs(r.ctxTime);
    return epochMs === null ? null : { epochMs, sample: r.sample, rate: this.streamRate };
  }

  emit() {
    this.dispatchEvent(new Event('change'));
  }
}
