// The page's WebSocket to /ws: reconnects with exponential backoff (250 ms
// doubling to 5 s, with jitter so a restarted server is not hit by every page at
// once), matches replies to requests by reqId, and hands everything else to
// listeners. Main thread.

const kBackoffMinMs = 250;
const kBackoffMaxMs = 5000;
const kRequestTimeoutMs = 8000;

export class Connection extends EventTarget {
  /** @param {string} url ws:// or wss:// URL of /ws */
  constructor(url) {
    super();
    this.url = url;
    this.ws = null;
    this.nextReqId = 1;
    this.pending = new Map(); // reqId -> {resolve, timer}
    this.attempt = 0;
    this.state = 'idle'; // idle | connecting | open | waiting
    this.opens = 0;
    this.closedByUs = false;
  }

  connect() {
    this.closedByUs = false;
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.opens += 1;
      this.setState('open');
      this.dispatchEvent(new CustomEvent('open', { detail: { reconnect: this.opens > 1 } }));
    };
    ws.onmessage = (e) => this.onMessage(e.data);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve({ type: 'error', code: 'disconnected', message: 'connection closed' });
      }
      this.pending.clear();
      this.dispatchEvent(new CustomEvent('close', { detail: { code: e.code } }));
      if (!this.closedByUs) this.scheduleReconnect();
    };
  }

  close() {
    this.closedByUs = true;
    if (this.ws) this.ws.close(1000);
    this.setState('idle');
  }

  scheduleReconnect() {
    const base = Math.min(kBackoffMaxMs, kBackoffMinMs * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    this.setState('waiting', delay);
    setTimeout(() => {
      if (!this.closedByUs) this.connect();
    }, delay);
  }

  setState(state, retryInMs = null) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryInMs, attempt: this.attempt } }));
  }

  isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a message without waiting for a reply; false when not connected. */
  send(msg) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /**
   * Sends `msg` with a fresh reqId and resolves with the reply that echoes it
   * (ack, error, pong, subscribed, status), or a synthetic error on timeout or
   * disconnect. Never rejects.
   */
  request(msg) {
    const reqId = this.nextReqId++;
    return new Promise((resolve) => {
      if (!this.send({ ...msg, reqId })) {
        resolve({ type: 'error', code: 'disconnected', message: 'not connected' });
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        resolve({ type: 'error', code: 'timeout', message: 'no reply from the server' });
      }, kRequestTimeoutMs);
      this.pending.set(reqId, { resolve, timer });
    });
  }

  onMessage(data) {
    if (typeof data !== 'string') {
      this.dispatchEvent(new CustomEvent('binary', { detail: data }));
      return;
    }
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (msg && msg.reqId !== undefined && this.pending.has(msg.reqId)) {
      const p = this.pending.get(msg.reqId);
      this.pending.delete(msg.reqId);
      clearTimeout(p.timer);
      p.resolve(msg);
    }
    this.dispatchEvent(new CustomEvent('message', { detail: msg }));
  }
}
