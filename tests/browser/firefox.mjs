// Debian's Firefox ESR for the browser tests, driven over WebDriver BiDi by
// puppeteer-core (playwright-core drives only its own patched Firefox builds).
// The tests are written against the small part of Playwright's Page API they
// use; FirefoxPage offers that same part on top of a puppeteer Page, so one
// test file runs in either browser (TEST_BROWSER=firefox picks this one).
// Input goes through real key presses and clicks, never through DOM setters,
// so the page meets the events a person's typing raises.
//
// Sound: Firefox runs an AudioContext only when it can open an output device
// (with none, its graph never starts and resume() never settles), and a test
// machine has none. So each launch gets its own PulseAudio server with a null
// sink (paced by the system clock, like a sound card), on a private socket
// that only this Firefox is pointed at; it ends with the browser.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Autoplay allowed without a gesture (the tests still click Start), as Chromium's flag does. */
const kPrefs = {
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // A hidden headless window must not be throttled like a background tab.
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
  // Headless software compositing: a remote (out-of-process) 2D canvas could
  // stall the page's draw loop for seconds on a loaded machine.
  'gfx.canvas.remote': false,
  'gfx.canvas.accelerated': false,
  ...JSON.parse(process.env.TEST_FIREFOX_PREFS ?? '{}'),
};

/**
 * A private PulseAudio server with one 48 kHz null sink (plus the modules in
 * `extra`, each as `--load` takes it); resolves once its socket exists.
 */
export async function startSoundServer({ extra = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'auralis-pulse-'));
  const socket = join(dir, 'native');
  const env = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, PULSE_RUNTIME_PATH: dir };
  const proc = spawn('pulseaudio', ['-n', '--daemonize=no', '--exit-idle-time=-1', '--use-pid-file=no',
    '--disable-shm=yes', '-F', '/dev/null', '--log-target=stderr',
    '--load=module-null-sink sink_name=auralis rate=48000',
    ...extra.map((m) => `--load=${m}`),
    `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; !existsSync(socket); waited += 50) {
    if (proc.exitCode !== null || waited > 15000) {
      await stop();
      throw new Error(`pulseaudio did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { server: `unix:${socket}`, stop };
}

/**
 * Launches Firefox (and its sound server); `newPage()` on the result gives FirefoxPage objects.
 * `sound` ({server, sink}): play into that sink of a sound server the caller owns instead.
 */
export async function launchFirefox(require, { noWebCodecs = false, sound: shared = null } = {}) {
  const puppeteer = require('puppeteer-core');
  const sound = shared ? { ...shared, stop: async () => {} } : await startSoundServer();
  const pulseEnv = { PULSE_SERVER: sound.server, ...(sound.sink ? { PULSE_SINK: sound.sink } : {}) };
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
      headless: true,
      extraPrefsFirefox: { ...kPrefs, ...(noWebCodecs ? { 'dom.media.webcodecs.enabled': false } : {}) },
      env: { ...process.env, ...pulseEnv },
      protocolTimeout: 60000,
      dumpio: process.env.TEST_BROWSER_LOG === '1', // the browser's own stderr, for debugging
    });
  } catch (e) {
    await sound.stop();
    throw e;
  }
  return {
    name: 'firefox',
    version: () => browser.version(),
    async newPage({ viewport } = {}) {
      const page = await browser.newPage();
      if (viewport) await page.setViewport(viewport);
      return new FirefoxPage(page);
    },
    async close() {
      await browser.close();
      await sound.stop();
    },
  };
}

// Playwright's key names where puppeteer's differ.
const keyName = (k) => ({ Space: ' ' })[k] ?? k;

export class FirefoxPage {
  constructor(page) {
    this.page = page;
    this.keyboard = {
      press: async (k) => {
        await this.front();
        await page.keyboard.press(keyName(k));
      },
    };
  }

  // Playwright gives every page focus; in Firefox only the front tab has it,
  // and keys sent to a background tab's focused element go nowhere.
  front() {
    return this.page.bringToFront();
  }

  on(event, fn) {
    // The same two events as Playwright: uncaught errors and console messages (type(), text()).
    this.page.on(event === 'pageerror' ? 'pageerror' : event, fn);
  }

  goto(url) {
    return this.page.goto(url, { waitUntil: 'load' });
  }

  title() {
    return this.page.title();
  }

  evaluate(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  /**
   * Playwright's argument order: (fn, arg, {timeout}). Polled from here, not
   * inside the page: a background tab's own timers are throttled.
   */
  async waitForFunction(fn, arg, { timeout = 30000 } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const value = await this.page.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > end) throw new Error(`waitForFunction timed out after ${timeout} ms: ${fn}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  waitForTimeout(ms) {
    return new Promise((r) => setTimeout(r, ms));
  }

  async element(selector) {
    const el = await this.page.$(selector);
    if (!el) throw new Error(`no element ${selector}`);
    return el;
  }

  async click(selector) {
    await this.front();
    await (await this.element(selector)).click();
  }

  async focus(selector) {
    await this.front();
    await this.page.focus(selector);
  }

  /** Replaces an input's text by typing it (select all, then keys), as a person would. */
  async fill(selector, value) {
    await this.focus(selector);
    await this.page.$eval(selector, (e) => e.select());
    if (value === '') await this.page.keyboard.press('Backspace');
    else await this.page.keyboard.type(value);
  }

  async press(selector, key) {
    await this.focus(selector);
    await this.page.keyboard.press(keyName(key));
  }

  textContent(selector) {
    return this.page.$eval(selector, (e) => e.textContent);
  }

  inputValue(selector) {
    return this.page.$eval(selector, (e) => e.value);
  }

  isChecked(selector) {
    return this.page.$eval(selector, (e) => e.checked);
  }

  getAttribute(selector, name) {
    return this.page.$eval(selector, (e, n) => e.getAttribute(n), name);
  }

  isVisible(selector) {
    return this.page.$eval(selector, (e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    });
  }

  locator(selector) {
    return { count: () => this.page.$$eval(selector, (all) => all.length) };
  }

  setViewportSize({ width, height }) {
    return this.page.setViewport({ width, height });
  }

  screenshot({ path, fullPage = false }) {
    return this.page.screenshot({ path, fullPage });
  }
}
