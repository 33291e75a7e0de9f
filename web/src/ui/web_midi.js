// Web MIDI in: forwards the browser's MIDI inputs to the server as `midi`
// messages (docs/protocol.md, "MIDI in") once the user enables it, so a
// keyboard plugged into the listener's computer plays with the ensemble.
// Messages are batched for up to 10 ms; SysEx never leaves the page.
// Main thread.

/** The `midi` messages for raw Web MIDI events [{t, data}], at most `max` events each;
 *  SysEx and malformed events (no status byte, more than 3 bytes) are left out. */
export function midiMessages(events, max = 256) {
  const ok = events.filter(
    (e) => e.data.length >= 1 && e.data.length <= 3 && e.data[0] >= 0x80 && e.data[0] !== 0xf0,
  );
  const out = [];
  for (let i = 0; i < ok.length; i += max) {
    out.push({
      type: 'midi',
      events: ok.slice(i, i + max).map((e) => ({ t: Math.max(0, e.t), data: Array.from(e.data) })),
    });
  }
  return out;
}

export class WebMidiForwarder {
  constructor(conn) {
    this.conn = conn;
    this.pending = [];
    this.timer = null;
    this.inputs = 0;
  }

  /** Asks for MIDI access (a user gesture should call this) and listens to every input. */
  async enable() {
    if (!navigator.requestMIDIAccess) throw new Error('this browser has no Web MIDI');
    const access = await navigator.requestMIDIAccess({ sysex: false });
    const listen = () => {
      this.inputs = 0;
      for (const input of access.inputs.values()) {
        input.onmidimessage = (e) => this.queue({ t: e.timeStamp, data: e.data });
        this.inputs += 1;
      }
    };
    access.onstatechange = listen;
    listen();
    return this.inputs;
  }

  queue(event) {
    this.pending.push(event);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), 10);
  }

  flush() {
    this.timer = null;
    const events = this.pending;
    this.pending = [];
    for (const m of midiMessages(events)) this.conn.send(m);
  }
}
