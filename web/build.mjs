// Builds the page into dist/: app.js (+ app.css) from src/main.js, worklet.js
// from src/player/worklet.js (a separate module: AudioWorklet loads it by URL),
// decoder.js from src/player/decode_worker.js (the decoding Worker, also by URL),
// and the static files. `node build.mjs --watch` rebuilds on change;
// `--if-stale` builds only when a source is newer than dist/app.js.
import { build, context } from 'esbuild';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');

// The newest modification time under `dir` (ms), or 0.
async function newest(dir) {
  let t = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? await newest(p) : (await stat(p)).mtimeMs);
  }
  return t;
}

if (process.argv.includes('--if-stale')) {
  const built = await stat(join(dist, 'app.js')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(await newest(src), (await stat(join(here, 'package-lock.json'))).mtimeMs);
  if (built > sources) {
    console.log('web: dist/ is up to date');
    process.exit(0);
  }
}

const options = {
  entryPoints: {
    app: join(src, 'main.js'),
    worklet: join(src, 'player/worklet.js'),
    decoder: join(src, 'player/decode_worker.js'),
  },
  outdir: dist,
  bundle: true,
  format: 'esm',
  minify: !watch,
  sourcemap: true,
  target: ['chrome100', 'firefox115', 'safari16'],
  logLevel: 'warning',
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const f of ['index.html', 'styles.css']) await copyFile(join(src, f), join(dist, f));
if (watch) {
  const ctx = await context(options);
  await ctx.watch();
  console.log('web: watching src/ for changes');
} else {
  await build(options);
  console.log(`web: built ${dist}`);
}
