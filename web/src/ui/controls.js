// The musical controls: key, mode, bpm, intensity, master volume, and per-agent
// switch, level and effect sends. Built from the parameter table of
// docs/protocol.md; each control sends a `control` message and shows the
// server's ack or error beside it. The page does not validate ranges itself:
// the server is the one place that does, so its error is what the user sees.
// A `status` (from any client) updates every control not being edited.
// Main thread.

const ROOTS = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const MODES = ['major', 'minor', 'harmonic minor', 'melodic minor', 'dorian', 'phrygian', 'lydian',
  'mixolydian', 'locrian', 'major pentatonic', 'minor pentatonic'];
const AGENTS = ['harmony', 'bass', 'melody', 'percussion'];
const kThrottleMs = 120; // slider drags: at most ~8 messages/s, well under the 20/s limit

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Nested params object for a dotted path: ('agents.bass.level', 0.5). */
function paramsFor(path, value) {
  const keys = path.split('.');
  const root = {};
  let o = root;
  keys.slice(0, -1).forEach((k) => (o = o[k] = {}));
  o[keys[keys.length - 1]] = value;
  return root;
}

function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export class Controls {
  /**
   * @param {import('../protocol/connection.js').Connection} conn
   * @param {HTMLElement} list container for the global controls
   * @param {HTMLElement} agentList container for the agent rows
   */
  constructor(conn, list, agentList) {
    this.conn = conn;
    this.items = new Map(); // path -> {input, out, kind}
    this.params = null;
    this.build(list, agentList);
  }

  build(list, agentList) {
    const keyRow = this.row(list, 'key', 'Key root', () => {
      const s = el('select', { id: 'ctl-key' });
      for (const r of ROOTS) s.append(el('option', { value: r, text: r }));
      return s;
    });
    keyRow.input.addEventListener('change', () => {
      const mode = this.params?.mode ?? 'major';
      this.send('key', `${keyRow.input.value} ${mode}`);
    });
    const modeRow = this.row(list, 'mode', 'Mode', () => {
      const s = el('select', { id: 'ctl-mode' });
      for (const m of MODES) s.append(el('option', { value: m, text: m }));
      return s;
    });
    modeRow.input.addEventListener('change', () => this.send('mode', modeRow.input.value));
    this.numberRow(list, 'bpm', 'Tempo (bpm)', { min: 40, max: 200, step: 1 });
    this.numberRow(list, 'intensity', 'Intensity', { min: 0, max: 1, step: 0.01 });
    this.numberRow(list, 'masterVolume', 'Master volume (all listeners)', { min: 0, max: 1, step: 0.01 });
    for (const a of AGENTS) {
      const box = el('fieldset', { class: 'agent' }, el('legend', { text: a }));
      agentList.append(box);
      const en = this.row(box, `agents.${a}.enabled`, 'on', () =>
        el('input', { type: 'checkbox', id: `ctl-${a}-enabled` }));
      en.input.addEventListener('change', () => this.send(`agents.${a}.enabled`, en.input.checked));
      this.rangeRow(box, `agents.${a}.level`, 'level');
      this.rangeRow(box, `agents.${a}.reverbSend`, 'reverb send');
      this.rangeRow(box, `agents.${a}.delaySend`, 'delay send');
    }
  }

  row(parent, path, labelText, make) {
    const input = make();
    if (!input.id) input.id = `ctl-${path.replace(/\./g, '-')}`;
    input.dataset.param = path;
    const label = el('label', { for: input.id, text: labelText });
    const out = el('output', { class: 'msg', for: input.id, 'aria-live': 'polite' });
    out.id = `${input.id}-msg`;
    input.setAttribute('aria-describedby', out.id);
    parent.append(el('div', { class: 'row ctl' }, label, input, out));
    const item = { input, out, path };
    this.items.set(path, item);
    return item;
  }

  // bpm, intensity, master volume: a slider and a number box kept together.
  // The number box sends on Enter/change, unclamped, so the server judges it.
  numberRow(parent, path, labelText, { min, max, step }) {
    const item = this.row(parent, path, labelText, () =>
      el('input', { type: 'range', min, max, step, id: `ctl-${path}` }));
    const num = el('input', { type: 'number', step, id: `ctl-${path}-num`, 'aria-label': `${labelText} value` });
    item.input.after(num);
    item.number = num;
    item.input.addEventListener('input', () => {
      num.value = item.input.value;
      this.sendThrottled(path, Number(item.input.value));
    });
    num.addEventListener('change', () => {
      const v = num.value.trim() === '' ? null : Number(num.value);
      this.send(path, v);
    });
    return item;
  }

  rangeRow(parent, path, labelText) {
    const item = this.row(parent, path, labelText, () =>
      el('input', { type: 'range', min: 0, max: 1, step: 0.01 }));
    item.input.addEventListener('input', () => this.sendThrottled(path, Number(item.input.value)));
    return item;
  }

  sendThrottled(path, value) {
    const item = this.items.get(path);
    item.latest = value;
    if (item.timer) return;
    this.send(path, value);
    item.timer = setTimeout(() => {
      item.timer = null;
      if (item.latest !== value) this.send(path, item.latest);
    }, kThrottleMs);
  }

  async send(path, value) {
    const item = this.items.get(path);
    item.out.textContent = '…';
    item.out.className = 'msg pending';
    item.sentAt = performance.now();
    const reply = await this.conn.request({ type: 'control', params: paramsFor(path, value) });
    if (reply.type === 'ack') {
      item.out.textContent = '✓ applied';
      item.out.className = 'msg ok';
      this.applyStatus(reply.applied);
      this.onAck?.(path, reply);
    } else {
      item.out.textContent = `✗ ${reply.code ?? 'error'}: ${reply.message ?? ''}`;
      item.out.className = 'msg err';
      item.out.dataset.code = reply.code ?? '';
      // Show the server's value again: nothing was applied.
      if (this.params) this.showValue(item, getPath(this.params, path));
    }
  }

  /** Updates every control from a params object (status broadcast, ack). */
  applyStatus(params) {
    if (!params) return;
    this.params = params;
    for (const item of this.items.values()) {
      if (item.path === 'key') {
        const root = String(params.key ?? '').split(' ')[0];
        if (document.activeElement !== item.input && ROOTS.includes(root)) item.input.value = root;
        continue;
      }
      const v = getPath(params, item.path);
      if (v === undefined) continue;
      // Never yank a control the user is dragging or typing in.
      const editing = document.activeElement === item.input || document.activeElement === item.number;
      if (!editing || performance.now() - (item.sentAt ?? 0) > 3000) this.showValue(item, v);
    }
  }

  showValue(item, v) {
    if (v === undefined || v === null) return;
    if (item.input.type === 'checkbox') item.input.checked = Boolean(v);
    else item.input.value = String(v);
    if (item.number && document.activeElement !== item.number) item.number.value = String(v);
  }
}
