// The page: wires the connection, player, controls, live views and dashboard.
// URL parameters (optional): ?codec=opus|pcm16, ?room=NAME, ?tier=minimal|...
// `window.auralis` exposes the parts for the console and the browser tests
// (which read state from it but start audio only by clicking Start).
// Main thread.
import { Connection } from './protocol/connection.js';
import { Player } from './player/player.js';
import { Controls } from './ui/controls.js';
import { LiveViews } from './ui/live.js';
import { Dashboard } from './ui/dashboard.js';
import { WebMidiForwarder } from './ui/web_midi.js';

const TELEMETRY = ['generation_update', 'meters', 'spectrum', 'analysis', 'dmx', 'ai_classifier_event', 'transcript'];
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// A page opened as /?token=T passes the token on (docs/security.md): control needs it.
const token = params.get('token');
const wsQuery = token ? `?token=${encodeURIComponent(token)}` : '';
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${wsQuery}`;
const conn = new Connection(wsUrl);
const player = new Player(conn, {
  codec: params.get('codec') ?? 'auto',
  room: params.get('room'),
  telemetry: TELEMETRY,
  workletUrl: new URL('worklet.js', location.href).href,
  decoderUrl: new URL('decoder.js', location.href).href,
});
const controls = new Controls(conn, $('control-list'), $('agent-list'));
const live = new LiveViews(player);
const events = { acks: [], errors: [], generation: [] }; // recent, for tests and the console

conn.addEventListener('message', (e) => {
  const m = e.detail;
  if (m.type === 'status') controls.applyStatus(m.params);
  if (m.type === 'ack') push(events.acks, m);
  if (m.type === 'error' && m.reqId !== 'client_report') push(events.errors, m);
  if (m.type === 'generation_update' && m.event !== 'note') push(events.generation, m);
  live.onMessage(m);
});
conn.addEventListener('state', (e) => {
  const { state, retryInMs } = e.detail;
  const text = {
    connecting: 'connecting…',
    open: 'connected',
    waiting: `disconnected — retrying in ${((retryInMs ?? 0) / 1000).toFixed(1)} s`,
    idle: 'offline',
  }[state];
  $('conn').textContent = text;
  $('conn').dataset.state = state;
});

function push(list, m) {
  list.push(m);
  if (list.length > 200) list.shift();
}

// Start/stop. Audio may only start from a user gesture: this click.
const startButton = $('start');
startButton.addEventListener('click', async () => {
  startButton.disabled = true;
  try {
    if (player.running) await player.stop();
    else await player.start();
  } catch (err) {
    $('conn').textContent = `audio failed: ${err.message}`;
  } finally {
    startButton.disabled = false;
    startButton.textContent = player.running ? 'Stop' : 'Start listening';
    startButton.setAttribute('aria-pressed', String(player.running));
  }
});

$('volume').addEventListener('input', (e) => {
  const v = Number(e.target.value);
  player.setVolume(v);
  $('volume-out').textContent = `${Math.round(v * 100)} %`;
});
const tierSelect = $('tier');
if (params.get('tier')) tierSelect.value = params.get('tier');
tierSelect.addEventListener('change', () => player.pinTier(tierSelect.value));
if (tierSelect.value !== 'auto') player.pinTier(tierSelect.value);
const codecSelect = $('codec');
codecSelect.value = player.codecChoice;
codecSelect.addEventListener('change', () => player.setCodec(codecSelect.value));
$('room').value = player.room ?? '';
$('room-form').addEventListener('submit', (e) => {
  e.preventDefault();
  player.setRoom($('room').value.trim());
});
$('room-leave').addEventListener('click', () => {
  $('room').value = '';
  player.setRoom(null);
});

// Player figures, refreshed at most 4 times a second.
const fmt = (v, unit, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(digits)} ${unit}`);
let statsQueued = false;
player.addEventListener('change', () => {
  if (statsQueued) return;
  statsQueued = true;
  setTimeout(() => {
    statsQueued = false;
    const s = player.stats();
    const rows = [
      ['State', s.running ? s.state : 'stopped'],
      ['Tier', `${s.tier}${s.pinned ? ' (pinned)' : ' (auto)'}`],
      ['Buffer', `${fmt(s.depthAvgMs, 'ms')} (target ${fmt(s.targetMs, 'ms')})`],
      ['Jitter', fmt(s.jitterMs, 'ms', 1)],
      ['Buffer dips', `${fmt(s.dipMs, 'ms', 1)} (near misses ${s.nearMisses})`],
      ['Underruns', String(s.underruns)],
      ['Codec', s.codec ? `${s.codec} (${s.decoder})${s.codecNote ? ` — ${s.codecNote}` : ''}` : '–'],
      ['Latency server→speaker', fmt(s.latencyMs, 'ms')],
      ['Clock offset / RTT', `${fmt(s.offsetMs, 'ms', 1)} / ${fmt(s.rttMs, 'ms', 1)}`],
    ];
    if (s.room) rows.push(['Room', `${s.room} (sync error ${fmt(s.roomErrMs, 'ms', 1)})`]);
    const dl = $('player-stats');
    dl.replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dd.dataset.stat = k.toLowerCase().split(' ')[0];
      return [dt, dd];
    }));
  }, 250);
});

const dashboard = new Dashboard($('plots'), player);
window.auralis = { conn, player, controls, live, dashboard, events };
conn.connect();

// Web MIDI in: only after the user asks (a click), since it prompts for access.
const midiIn = new WebMidiForwarder(conn);
$('midi-in')?.addEventListener('click', async (e) => {
  try {
    const n = await midiIn.enable();
    e.target.textContent = `MIDI in: ${n} input${n === 1 ? '' : 's'}`;
  } catch (err) {
    e.target.textContent = `MIDI in: ${err.message}`;
  }
});
