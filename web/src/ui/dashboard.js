// Dashboard: polls GET /api/v1/metrics every 2 s and plots the last 10 minutes
// with uPlot: audio callback time (mean and p99 per interval), deadline misses,
// underruns and stream skips per interval, WebSocket clients, bytes out, and
// buffer figures (this page's depth, target and jitter; the mean depth every
// client reports to the server). A metric the server does not export yet is
// simply absent from its plot. Main thread.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const kPollMs = 2000;
const kKeep = 300; // 10 minutes of 2 s samples

/** Sum of a metric's series values (counters, gauges), or null when absent. */
export function metricValue(metrics, name) {
  const m = metrics[name];
  if (!m || !Array.isArray(m.series)) return null;
  let sum = 0;
  let any = false;
  for (const s of m.series) {
    if (typeof s.value === 'number') {
      sum += s.value;
      any = true;
    }
  }
  return any ? sum : null;
}

/** The first histogram series of a metric: {count, sum, buckets}, or null. */
export function histogram(metrics, name) {
  const m = metrics[name];
  const s = m && Array.isArray(m.series) ? m.series[0] : null;
  return s && typeof s.count === 'number' ? s : null;
}

/** The q-quantile of the observations between two cumulative histogram snapshots. */
export function quantileBetween(prev, cur, q) {
  if (!prev || !cur) return null;
  const n = cur.count - prev.count;
  if (n <= 0) return null;
  const target = q * n;
  for (let i = 0; i < cur.buckets.length; i++) {
    const c = cur.buckets[i].count - (prev.buckets[i]?.count ?? 0);
    if (c >= target) {
      const le = cur.buckets[i].le;
      return le === '+Inf' ? (i > 0 ? cur.buckets[i - 1].le : null) : le;
    }
  }
  return null;
}

// Counters whose name says they count bytes sent (the stream and WebSocket
// byte counters other modules add); summed.
function bytesOut(metrics) {
  let sum = null;
  for (const name of Object.keys(metrics)) {
    if (/bytes/.test(name) && /(sent|out|tx|written)/.test(name) && metrics[name].type === 'counter') {
      sum = (sum ?? 0) + (metricValue(metrics, name) ?? 0);
    }
  }
  return sum;
}

const PLOTS = [
  { id: 'cb', title: 'Audio callback (ms)', series: ['mean', 'p99'] },
  { id: 'events', title: 'Per 2 s: deadline misses, underruns, skips', series: ['deadline misses', 'engine underruns', 'stream skips', 'client underruns'] },
  { id: 'clients', title: 'WebSocket clients', series: ['clients'] },
  { id: 'bytes', title: 'Bytes out (kB/s)', series: ['server out', 'this page in'] },
  { id: 'buffer', title: 'Buffer (ms)', series: ['this page depth', 'target', 'jitter', 'all clients mean'] },
];
const COLOURS = ['#7aa2f7', '#f7768e', '#e0af68', '#9ece6a'];

export class Dashboard {
  /** @param {HTMLElement} root @param {import('../player/player.js').Player} player */
  constructor(root, player) {
    this.root = root;
    this.player = player;
    this.data = Object.fromEntries(PLOTS.map((p) => [p.id, [[], ...p.series.map(() => [])]]));
    this.plots = {};
    this.prev = null;
    this.polls = 0;
    for (const p of PLOTS) {
      const box = document.createElement('figure');
      box.className = 'plot';
      root.append(box);
      const width = Math.max(260, Math.min(560, root.clientWidth - 8));
      this.plots[p.id] = new uPlot(
        {
          title: p.title,
          width,
          height: 160,
          scales: { x: { time: true } },
          series: [{}, ...p.series.map((label, i) => ({ label, stroke: COLOURS[i], width: 1.5, spanGaps: true }))],
          axes: [{ stroke: '#aab' }, { stroke: '#aab', size: 50 }],
        },
        this.data[p.id],
        box,
      );
    }
    addEventListener('resize', () => this.resize());
    this.poll();
    setInterval(() => this.poll(), kPollMs);
  }

  resize() {
    const width = Math.max(260, Math.min(560, this.root.clientWidth - 8));
    for (const p of Object.values(this.plots)) p.setSize({ width, height: 160 });
  }

  async poll() {
    let metrics;
    try {
      const r = await fetch('/api/v1/metrics', { cache: 'no-store' });
      metrics = await r.json();
    } catch (e) {
      document.getElementById('dash-status').textContent = `metrics unavailable: ${e.message}`;
      return;
    }
    this.polls += 1;
    document.getElementById('dash-status').textContent = '';
    const now = Date.now() / 1000;
    const cur = {
      t: now,
      cb: histogram(metrics, 'auralis_audio_callback_seconds'),
      misses: metricValue(metrics, 'auralis_audio_deadline_misses_total'),
      underruns: metricValue(metrics, 'auralis_audio_underruns_total'),
      skips: metricValue(metrics, 'auralis_stream_skips_total'),
      clientUnderruns: metricValue(metrics, 'auralis_client_underruns_total'),
      clientBuffer: histogram(metrics, 'auralis_client_buffer_seconds'),
      // The server's own WebSocket byte counter, else any bytes-sent counters.
      bytes: metricValue(metrics, 'auralis_ws_bytes_sent_total') ?? bytesOut(metrics),
      bytesIn: this.player.bytesIn,
    };
    const p = this.prev;
    const d = (k) => (p && cur[k] !== null && p[k] !== null ? Math.max(0, cur[k] - p[k]) : null);
    const dt = p ? now - p.t : null;
    const meanMs = p && cur.cb && p.cb && cur.cb.count > p.cb.count
      ? ((cur.cb.sum - p.cb.sum) / (cur.cb.count - p.cb.count)) * 1000 : null;
    const p99 = quantileBetween(p?.cb, cur.cb, 0.99);
    const clientMean = p && cur.clientBuffer && p.clientBuffer && cur.clientBuffer.count > p.clientBuffer.count
      ? ((cur.clientBuffer.sum - p.clientBuffer.sum) / (cur.clientBuffer.count - p.clientBuffer.count)) * 1000 : null;
    const s = this.player.stats();
    this.push('cb', now, [meanMs, p99 === null ? null : p99 * 1000]);
    this.push('events', now, [d('misses'), d('underruns'), d('skips'), d('clientUnderruns')]);
    this.push('clients', now, [metricValue(metrics, 'auralis_ws_clients')]);
    this.push('bytes', now, [dt && d('bytes') !== null ? d('bytes') / dt / 1000 : null,
      dt ? d('bytesIn') / dt / 1000 : null]);
    this.push('buffer', now, [s.running ? s.depthAvgMs : null, s.running ? s.targetMs : null,
      s.running ? s.jitterMs : null, clientMean]);
    this.prev = cur;
  }

  push(id, t, values) {
    const data = this.data[id];
    data[0].push(t);
    values.forEach((v, i) => data[i + 1].push(v ?? null));
    if (data[0].length > kKeep) for (const col of data) col.shift();
    this.plots[id].setData(data);
  }
}
