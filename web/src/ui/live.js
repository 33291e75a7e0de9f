// Live views: the musical "now" (key, chord, section, bar, tempo), spectrum,
// level meters, the piano roll, and the panels later issues fill (DMX universe,
// classifier label, transcript). Telemetry updates state only; one frame loop
// draws at most 30 times a second, and only what changed.
//
// Telemetry shapes this page reads (docs/protocol.md, "Telemetry the page uses"):
//   spectrum: {db: number[], edgesHz: number[] (db.length + 1)}   (also bandsDb / bands, edges)
//   meters:   {master: {rmsDb: [l, r], peakDb: [l, r]}, input: {...same...}}
//   dmx:      {fps, universeCount, universes: [{universe: n, slots: number[512] (0..255)}]}
//   ai_classifier_event: {label: string, confidence: number}
//   transcript: {stage: 'partial'|'final', text: string}
// Until the server sends spectrum or meters, the views fall back to the page's
// own analysers on the audio it plays (labelled "local").
// Main thread.
import { PianoRoll } from './piano_roll.js';

const kFrameMs = 1000 / 30;
const $ = (id) => document.getElementById(id);

export class LiveViews {
  /** @param {import('../player/player.js').Player} player */
  constructor(player) {
    this.player = player;
    this.roll = new PianoRoll($('roll'));
    this.spectrum = null; // latest server spectrum message (master preferred)
    this.spectra = {}; // latest per source
    this.meters = null;
    this.dmx = null;
    this.lastDraw = 0;
    this.dirty = true;
    this.counts = {}; // telemetry kind -> messages seen (tests read it)
    this.loop = this.loop.bind(this);
    requestAnimationFrame(this.loop);
  }

  /** Any server message; the live view picks what it draws. */
  onMessage(m) {
    this.counts[m.type] = (this.counts[m.type] ?? 0) + 1;
    switch (m.type) {
      case 'generation_update':
        return this.onGeneration(m);
      case 'status':
        if (m.params) {
          $('now-key').textContent = m.params.key ?? '–';
          $('now-bpm').textContent = m.params.bpm !== undefined ? `${m.params.bpm} bpm` : '–';
        }
        return;
      case 'spectrum':
        // The server alternates sources; keep each, draw the master (the input
        // is often silent) with the input on top when it has something.
        this.spectra[m.source ?? 'master'] = m;
        this.spectrum = this.spectra.master ?? m;
        this.dirty = true;
        return;
      case 'meters':
        this.meters = m;
        this.dirty = true;
        return;
      case 'dmx': // issue: lighting
        this.dmx = m;
        $('dmx-src').textContent = m.universes
          ? `${m.universes[0]?.universe ?? "?"} of ${m.universeCount ?? m.universes.length} at ${m.fps ?? '?'} FPS`
          : `universe ${m.universe ?? '?'}`;
        this.dirty = true;
        return;
      case 'ai_classifier_event': // issue: classifier
        $('classifier').textContent = m.label ?? '–';
        $('classifier-src').textContent =
          typeof m.confidence === 'number' ? `(${Math.round(m.confidence * 100)} %)` : '';
        return;
      case 'transcript': {
        // issue: voice
        const t = $('transcript');
        t.textContent = m.text ?? '';
        t.className = m.stage === 'final' ? '' : 'src';
        return;
      }
      default:
    }
  }

  onGeneration(ev) {
    if (ev.event === 'note') {
      this.roll.addNote(ev);
    } else if (ev.event === 'chord') {
      $('now-chord').textContent = ev.text ?? '–';
    } else if (ev.event === 'section') {
      $('now-section').textContent = ev.text ?? '–';
    } else if (ev.event === 'tempo' && typeof ev.bpm === 'number') {
      $('now-bpm').textContent = `${Math.round(ev.bpm * 10) / 10} bpm`;
    } else if (ev.event === 'key') {
      $('now-key').textContent = ev.text || ev.key || '–';
    }
    if (typeof ev.bar === 'number') $('now-bar').textContent = `${ev.bar + 1}.${Math.floor(ev.beat ?? 0) + 1}`;
    this.dirty = true;
  }

  loop(t) {
    requestAnimationFrame(this.loop);
    if (t - this.lastDraw < kFrameMs) return;
    this.lastDraw = t;
    const playing = this.player.running;
    if (!this.dirty && !playing) return;
    this.dirty = false;
    this.drawSpectrum();
    this.drawMeters();
    const s = this.player.report;
    const nowS = s && s.sample !== null && s.state === 'playing' ? s.sample / this.player.streamRate : null;
    this.roll.draw(nowS);
    this.drawDmx();
  }

  drawSpectrum() {
    const c = $('spectrum');
    const g = c.getContext('2d');
    g.fillStyle = '#11131a';
    g.fillRect(0, 0, c.width, c.height);
    let db = null;
    let src = '';
    const m = this.spectrum;
    if (m) {
      db = m.db ?? m.bandsDb ?? m.bands ?? m.magnitudesDb ?? null;
      src = '(server)';
    } else if (this.player.analyser && this.player.running) {
      const a = this.player.analyser;
      const raw = new Float32Array(a.frequencyBinCount);
      a.getFloatFrequencyData(raw);
      db = logBands(raw, this.player.ctx.sampleRate, 64);
      src = '(local)';
    }
    $('spectrum-src').textContent = src || '(waiting for audio or spectrum telemetry)';
    if (!db || !db.length) return;
    const w = c.width / db.length;
    for (let i = 0; i < db.length; i++) {
      const v = Math.max(0, Math.min(1, (db[i] + 100) / 100));
      g.fillStyle = `hsl(${200 - v * 160}, 70%, 55%)`;
      g.fillRect(i * w, c.height * (1 - v), Math.max(1, w - 1), c.height * v);
    }
  }

  drawMeters() {
    const c = $('meters');
    const g = c.getContext('2d');
    g.fillStyle = '#11131a';
    g.fillRect(0, 0, c.width, c.height);
    const bars = []; // {label, rms, peak}
    if (this.meters) {
      for (const bus of ['input', 'master']) {
        const b = this.meters[bus];
        if (!b) continue;
        const rms = b.rmsDb ?? [];
        const peak = b.peakDb ?? [];
        rms.forEach((r, i) => bars.push({ label: `${bus} ${i ? 'R' : 'L'}`, rms: r, peak: peak[i] ?? r }));
      }
      $('meters-src').textContent = '(server)';
    } else if (this.player.meterL && this.player.running) {
      for (const [label, a] of [['L', this.player.meterL], ['R', this.player.meterR]]) {
        const buf = new Float32Array(a.fftSize);
        a.getFloatTimeDomainData(buf);
        let sum = 0;
        let pk = 0;
        for (const x of buf) {
          sum += x * x;
          pk = Math.max(pk, Math.abs(x));
        }
        const toDb = (v) => (v > 0 ? 20 * Math.log10(v) : -120);
        bars.push({ label, rms: toDb(Math.sqrt(sum / buf.length)), peak: toDb(pk) });
      }
      $('meters-src').textContent = '(local)';
    }
    if (!bars.length) return;
    const w = c.width / bars.length;
    g.font = '11px system-ui, sans-serif';
    bars.forEach((b, i) => {
      const norm = (db) => Math.max(0, Math.min(1, (db + 60) / 60));
      const x = i * w + 6;
      g.fillStyle = b.peak > -1 ? '#f7768e' : '#9ece6a';
      g.fillRect(x, c.height - 16 - norm(b.rms) * (c.height - 20), w - 12, norm(b.rms) * (c.height - 20));
      g.fillStyle = '#ffffff';
      g.fillRect(x, c.height - 16 - norm(b.peak) * (c.height - 20), w - 12, 2);
      g.fillText(b.label, x, c.height - 3);
    });
  }

  drawDmx() {
    const m = this.dmx;
    // docs/lighting.md: {universes: [{universe, slots: [512]}], universeCount, fps}
    const slots = m ? (m.universes?.[0]?.slots ?? m.channels) : null;
    if (!Array.isArray(slots)) return;
    const c = $('dmx');
    const g = c.getContext('2d');
    const cols = 64;
    const cw = c.width / cols;
    const ch = c.height / 8;
    slots.slice(0, 512).forEach((v, i) => {
      g.fillStyle = `rgb(${v},${v},${v})`;
      g.fillRect((i % cols) * cw, Math.floor(i / cols) * ch, cw - 1, ch - 1);
    });
  }
}

// Averages FFT bins (dB) into `n` log-spaced bands from 30 Hz to 16 kHz.
function logBands(raw, rate, n) {
  const out = new Array(n).fill(-120);
  const binHz = rate / 2 / raw.length;
  for (let b = 0; b < n; b++) {
    const f0 = 30 * (16000 / 30) ** (b / n);
    const f1 = 30 * (16000 / 30) ** ((b + 1) / n);
    const i0 = Math.floor(f0 / binHz);
    const i1 = Math.max(i0 + 1, Math.floor(f1 / binHz));
    let s = 0;
    for (let i = i0; i < i1 && i < raw.length; i++) s += 10 ** (raw[i] / 10);
    out[b] = 10 * Math.log10(s / (i1 - i0) + 1e-12);
  }
  return out;
}
