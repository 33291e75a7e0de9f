// Shared by the browser tests: starts the real `auralis serve` on a port with a
// temporary data directory, launches Debian's Chromium headless through
// playwright-core (or Firefox ESR through puppeteer-core, see firefox.mjs),
// and keeps screenshots under the build directory.
// Environment (set by tests/browser/CMakeLists.txt): TEST_AURALIS_BIN,
// TEST_AURALIS_SOURCE_DIR, TEST_AURALIS_BINARY_DIR; TEST_BROWSER=firefox
// picks Firefox; CHROMIUM / FIREFOX override the browser's executable.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchFirefox } from './firefox.mjs';

export const BIN = process.env.TEST_AURALIS_BIN;
export const SOURCE_DIR = process.env.TEST_AURALIS_SOURCE_DIR;
export const BROWSER = process.env.TEST_BROWSER ?? 'chromium';
export const ARTIFACTS = join(process.env.TEST_AURALIS_BINARY_DIR ?? tmpdir(), 'browser-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

// playwright-core lives in web/node_modules (installed by `npm ci` in web/).
const require = createRequire(join(SOURCE_DIR, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const serveHelp = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' }).stdout ?? '';

/** A running server; `stop()` ends it (SIGTERM, then SIGKILL after 10 s). */
export async function startServer({ port = 0, dataDir = null } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'auralis-browser-'));
  const args = ['serve', '--port', String(port), '--data-dir', dir];
  // Parallel tests must not fight over fixed UDP ports.
  if (serveHelp.includes('--osc-port')) args.push('--osc-port', '0');
  // Serve the page built from this source tree, wherever the binary lives.
  const env = { ...process.env, AURALIS_SERVER_WEB_ROOT: join(SOURCE_DIR, 'web', 'dist') };
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer); // a failed start must not keep the test process alive
      reject(new Error(`server exited ${code}:\n${out}\n${err}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir: dir,
    stderr: () => err,
    async stop({ keepData = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
        await done;
        clearTimeout(t);
      }
      if (!keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `noWebCodecs`: Firefox without WebCodecs (like Firefox before 130), for the PCM16 fallback.
 * `sound` ({server, sink}): play into that PulseAudio sink (room_speakers_test.mjs).
 * `browser` overrides TEST_BROWSER.
 */
export async function launchBrowser({ noWebCodecs = false, sound = null, browser = BROWSER } = {}) {
  if (browser === 'firefox') return launchFirefox(require, { noWebCodecs, sound });
  if (noWebCodecs) throw new Error('Chromium cannot switch WebCodecs off');
  return chromium.launch({
    // Playwright mutes Chromium by default; a sink that is recorded must hear it.
    ...(sound ? { env: { ...process.env, PULSE_SERVER: sound.server, PULSE_SINK: sound.sink },
      ignoreDefaultArgs: ['--mute-audio'] } : {}),
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--autoplay-policy=no-user-gesture-required', '--no-sandbox', '--disable-dev-shm-usage',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows'],
  });
}

/** Opens the page, collects console errors, and returns it. */
export async function openPage(browser, url, { width = 1280, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => window.auralis?.conn?.state === 'open', null, { timeout: 30000 });
  return page;
}

/** The player's figures (read only: tests start audio by clicking Start). */
export function stats(page) {
  return page.evaluate(() => window.auralis.player.stats());
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${BROWSER === 'chromium' ? '' : `${BROWSER}-`}${name}.png`), fullPage: true });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
