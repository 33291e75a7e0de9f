// Offset between two recordings of the same sound, for the room speaker test:
// cross-correlation through an FFT (radix 2), the peak refined by a parabola
// through its neighbours. Plain JavaScript so the test needs nothing beyond node.

/** In-place radix-2 FFT of (re, im), length a power of two; `inverse` unscaled. */
export function fft(re, im, inverse = false) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** Root mean square of a signal. */
export function rms(x) {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

/**
 * The lag (in samples, fractional) by which `b` trails `a`, searched within
 * ±maxLag, and the normalized correlation at that lag (1 = the same waveform).
 */
export function offsetOf(a, b, maxLag) {
  let n = 1;
  while (n < a.length + b.length) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  ar.set(a);
  br.set(b);
  fft(ar, ai);
  fft(br, bi);
  // conj(A) * B: its inverse peaks at the lag where b(t + lag) matches a(t).
  for (let k = 0; k < n; k++) {
    const r = ar[k] * br[k] + ai[k] * bi[k];
    const i = ar[k] * bi[k] - ai[k] * br[k];
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  const at = (lag) => ar[(lag + n) % n] / n;
  let best = -maxLag;
  for (let lag = -maxLag; lag <= maxLag; lag++) if (at(lag) > at(best)) best = lag;
  const y0 = at(best - 1);
  const y1 = at(best);
  const y2 = at(best + 1);
  const den = y0 - 2 * y1 + y2;
  const frac = den < 0 ? (0.5 * (y0 - y2)) / den : 0;
  const norm = Math.sqrt(energy(a) * energy(b));
  return { lag: best + frac, corr: norm > 0 ? y1 / norm : 0 };
}

function energy(x) {
  let s = 0;
  for (const v of x) s += v * v;
  return s;
}
