// Piano roll from `generation_update` note events: one colour per agent, time
// running left to right, the vertical line at the sample being heard now (notes
// are planned ~250 ms ahead, so they appear to its right first). Canvas, drawn
// by the live view's frame loop. Main thread.

export const AGENT_COLOURS = {
  harmony: '#7aa2f7',
  bass: '#e0af68',
  melody: '#9ece6a',
  percussion: '#f7768e',
  response: '#bb9af7',
};
const kPastS = 8;
const kAheadS = 2;
const kMaxNotes = 2000;

export class PianoRoll {
  constructor(canvas) {
    this.canvas = canvas;
    this.g = canvas.getContext('2d');
    this.notes = []; // {t, dur, pitch, vel, agent} in stream seconds
    this.newest = 0;
  }

  /** A generation_update with event 'note'. */
  addNote(ev) {
    if (typeof ev.time !== 'number' || typeof ev.pitch !== 'number') return;
    this.notes.push({ t: ev.time, dur: ev.duration ?? 0.1, pitch: ev.pitch, vel: ev.velocity ?? 100, agent: ev.agent });
    this.newest = Math.max(this.newest, ev.time);
    if (this.notes.length > kMaxNotes) this.notes.splice(0, this.notes.length - kMaxNotes);
  }

  /** Forgets the notes (a new server: its sample clock restarted). */
  clear() {
    this.notes = [];
    this.newest = 0;
  }

  /** @param {number|null} nowS the stream time being heard, or null (not playing). */
  draw(nowS) {
    const { canvas, g } = this;
    const w = canvas.width;
    const h = canvas.height;
    const now = nowS ?? this.newest - 0.25;
    g.fillStyle = '#11131a';
    g.fillRect(0, 0, w, h);
    const t0 = now - kPastS;
    const span = kPastS + kAheadS;
    let lo = 127;
    let hi = 0;
    for (const n of this.notes) {
      if (n.t + n.dur < t0) continue;
      lo = Math.min(lo, n.pitch);
      hi = Math.max(hi, n.pitch);
    }
    if (lo > hi) {
      lo = 36;
      hi = 84;
    }
    lo -= 2;
    hi += 2;
    const rowH = h / (hi - lo + 1);
    for (let p = lo; p <= hi; p++) {
      if (p % 12 === 0) {
        g.fillStyle = '#1c2030';
        g.fillRect(0, h - (p - lo + 1) * rowH, w, rowH);
      }
    }
    for (const n of this.notes) {
      if (n.t + n.dur < t0 || n.t > now + kAheadS) continue;
      const x = ((n.t - t0) / span) * w;
      const nw = Math.max(2, (n.dur / span) * w);
      const y = h - (n.pitch - lo + 1) * rowH;
      g.globalAlpha = 0.35 + (0.65 * Math.min(127, n.vel)) / 127;
      g.fillStyle = AGENT_COLOURS[n.agent] ?? '#cccccc';
      g.fillRect(x, y, nw, Math.max(2, rowH - 1));
    }
    g.globalAlpha = 1;
    const xNow = (kPastS / span) * w;
    g.strokeStyle = '#ffffff';
    g.beginPath();
    g.moveTo(xNow + 0.5, 0);
    g.lineTo(xNow + 0.5, h);
    g.stroke();
    let lx = 8;
    g.font = '12px system-ui, sans-serif';
    for (const [agent, colour] of Object.entries(AGENT_COLOURS)) {
      g.fillStyle = colour;
      g.fillText(agent, lx, 14);
      lx += g.measureText(agent).width + 12;
    }
  }
}
