"""Soak: the real server with everything active at once — a PCM16 and an Opus
listener reading, control changes every 300 ms from another WebSocket client, an
upload (then its deletion) every few seconds, lighting sending Art-Net to loopback,
a recording running — for TEST_SOAK_SECONDS (default 45; bench/soak/run.sh runs it
for an hour). RSS, open fds and threads are sampled every second. Asserted:
  - the RSS regression slope after the warm-up is below 200 KiB/s;
  - fds and threads do not grow (the last quarter's peak is within a few of the
    first quarter's);
  - no deadline miss; the listeners see no gap (contiguous sequence numbers and
    sample positions) and are never closed;
  - every control change is acknowledged and every upload accepted.
The figures are printed (one `soak:` line), so the bench reads them from here.
RSS slope and deadline misses are not asserted under a sanitizer (ASan keeps freed
memory in quarantine and runs several times slower)."""
import asyncio
import io
import json
import math
import os
import struct
import tempfile
import threading
import time
import unittest
import wave

import websockets

import fault_support as fs

SECONDS = float(os.environ.get("TEST_SOAK_SECONDS", "45"))
WARMUP = min(15.0, SECONDS / 4)
SLOPE_BOUND = 200 * 1024  # bytes per second
GROWTH_SLACK = 4  # fds or threads a moment's upload or connection may hold


def slope(points):
    """Least-squares slope of (t, y) points."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / var if var else 0.0


def tone_wav(freq, seconds=1.0, rate=48000):
    """A small stereo 16-bit WAV; each frequency gives different bytes (no dedup)."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        v = int(8000 * math.sin(2 * math.pi * freq * i / rate))
        frames += struct.pack("<hh", v, v)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return out.getvalue()


class Listener:
    """A WebSocket listener on a thread: records (sequence, position) of every frame."""

    def __init__(self, port, codec):
        self.port, self.codec = port, codec
        self.frames, self.closed, self.error = [], False, None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.main()), daemon=True)
        self.thread.start()

    async def main(self):
        try:
            async with websockets.connect("ws://127.0.0.1:%d/ws" % self.port, max_size=None) as ws:
                await ws.send(json.dumps({"type": "subscribe", "audio": self.codec}))
                while not self.stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                    except asyncio.TimeoutError:
                        continue
                    if isinstance(raw, bytes):
                        seq, pos = struct.unpack_from("<QQ", raw, 12)
                        self.frames.append((seq, pos))
        except Exception as e:  # the server closed us: a listener must never be
            self.closed, self.error = True, repr(e)

    def gaps(self):
        """Frames whose sequence does not follow its predecessor's."""
        return sum(1 for a, b in zip(self.frames, self.frames[1:]) if b[0] != a[0] + 1)

    def position_gaps(self):
        """Steps in sample position other than the common one (one frame's length), as
        (frame index, step) pairs."""
        steps = [b[1] - a[1] for a, b in zip(self.frames, self.frames[1:])]
        if not steps:
            return []
        usual = max(set(steps), key=steps.count)
        return [(i + 1, st) for i, st in enumerate(steps) if st != usual]


class Controller:
    """A WebSocket client sending a control change every 300 ms and counting acks."""

    def __init__(self, port):
        self.port = port
        self.sent = self.acked = 0
        self.errors = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.main()), daemon=True)
        self.thread.start()

    async def main(self):
        changes = [{"intensity": 0.3}, {"bpm": 96}, {"intensity": 0.7}, {"bpm": 84},
                   {"key": "F minor"}, {"key": "D minor"}]
        try:
            async with websockets.connect("ws://127.0.0.1:%d/ws" % self.port, max_size=None) as ws:
                i = 0
                while not self.stop.is_set():
                    await ws.send(json.dumps({"type": "control", "reqId": i,
                                              "params": changes[i % len(changes)]}))
                    self.sent += 1
                    deadline = time.monotonic() + 10
                    while time.monotonic() < deadline:
                        msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                        if msg.get("reqId") == i:
                            if msg["type"] == "ack":
                                self.acked += 1
                            else:
                                self.errors.append(msg)
                            break
                    i += 1
                    await asyncio.sleep(0.3)
        except Exception as e:
            self.errors.append(repr(e))


class Soak(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.server = fs.Server(os.path.join(self.tmp.name, "data"))

    def tearDown(self):
        self.server.kill()
        self.tmp.cleanup()

    def test_soak_everything_at_once(self):
        s = self.server
        observer = fs.Observer(s.port, s.artnet_port, audio="off")  # telemetry + Art-Net
        listeners = [Listener(s.port, "pcm16"), Listener(s.port, "opus")]
        control = Controller(s.port)
        _, rec = s.json("POST", "/api/v1/recordings", {"format": "opus"}, expect=201)
        m0 = s.metrics()
        samples, uploads, upload_failures = [], 0, []
        start = time.monotonic()
        next_upload = start + 2.0
        while time.monotonic() - start < SECONDS:
            t = time.monotonic() - start
            samples.append((t, s.rss_bytes(), s.fd_count(), s.thread_count()))
            if time.monotonic() >= next_upload:
                next_upload += 5.0
                status, body = s.request("POST", "/upload?filename=u%d.wav" % uploads,
                                         tone_wav(200 + uploads % 500 + uploads // 500 * 0.5),
                                         {"Content-Type": "audio/wav"}, timeout=60)
                uploads += 1
                if status in (200, 201):
                    sid = json.loads(body)["sourceId"]
                    status, body = s.request("DELETE", "/api/v1/sources/" + sid)
                if status != 200 and status != 201:
                    upload_failures.append((status, body[:200]))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - start - t)))
        self.assertIsNone(s.proc.poll(), "the server died: " + s.stderr()[-2000:])
        m1 = s.metrics()
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % rec["id"], expect=200)
        for x in listeners + [control]:
            x.stop.set()
        for x in listeners + [control]:
            x.thread.join(timeout=15)
        observer.close()

        after = [p for p in samples if p[0] >= WARMUP]
        rss_slope = slope([(t, rss) for t, rss, _, _ in after])
        quarter = max(1, len(after) // 4)
        fds_first, fds_last = max(p[2] for p in after[:quarter]), max(p[2] for p in after[-quarter:])
        thr_first, thr_last = max(p[3] for p in after[:quarter]), max(p[3] for p in after[-quarter:])
        misses = (m1.get("auralis_audio_deadline_misses_total", 0.0)
                  - m0.get("auralis_audio_deadline_misses_total", 0.0))
        def delta(name):
            return m1.get(name, 0.0) - m0.get(name, 0.0)

        artnet = observer.count("artnet", 0, float("inf"))
        meters = observer.count("meters", 0, float("inf"))
        print("soak: %.0f s; RSS %.1f → %.1f MiB, slope %.1f KiB/s after %.0f s warm-up; "
              "fds %d → %d (peak %d); threads %d → %d (peak %d); deadline misses %d; "
              "frames pcm16 %d (gaps %d), opus %d (gaps %d); control %d/%d acked; "
              "uploads %d (failed %d); Art-Net packets %d; meters %d; recording %s, %d frames; "
              "master tap drops %d, stream skips %d, position jumps pcm16 %s opus %s"
              % (SECONDS, samples[0][1] / 2 ** 20, samples[-1][1] / 2 ** 20, rss_slope / 1024,
                 WARMUP, samples[0][2], samples[-1][2], max(p[2] for p in samples),
                 samples[0][3], samples[-1][3], max(p[3] for p in samples), misses,
                 len(listeners[0].frames), listeners[0].gaps(), len(listeners[1].frames),
                 listeners[1].gaps(), control.acked, control.sent, uploads,
                 len(upload_failures), artnet, meters, row["status"], row.get("frames", 0),
                 delta('auralis_tap_drops_total{tap="master"}'),
                 delta("auralis_stream_skips_total"), listeners[0].position_gaps()[:5],
                 listeners[1].position_gaps()[:5]),
              flush=True)

        for x in listeners:
            self.assertFalse(x.closed, "%s listener closed: %s" % (x.codec, x.error))
            self.assertGreater(len(x.frames), SECONDS * 5, x.codec)  # 10 (PCM16) or 50 (Opus)/s
            self.assertEqual(x.gaps(), 0, "%s listener skipped frames" % x.codec)
            self.assertEqual(x.position_gaps(), [], "%s positions jumped" % x.codec)
        self.assertEqual(control.errors, [])
        self.assertGreater(control.acked, SECONDS)  # ~3 per second
        self.assertEqual(upload_failures, [])
        self.assertGreater(artnet, SECONDS * 20)  # 40 FPS
        self.assertGreater(meters, SECONDS * 10)
        self.assertEqual(row["status"], "stopped", row)
        self.assertLessEqual(fds_last, fds_first + GROWTH_SLACK, "file descriptors grow")
        self.assertLessEqual(thr_last, thr_first + GROWTH_SLACK, "threads grow")
        if not fs.sanitized_build():
            self.assertLess(rss_slope, SLOPE_BOUND, "RSS grows %.1f KiB/s" % (rss_slope / 1024))
            self.assertEqual(misses, 0, "deadline misses during the soak")


if __name__ == "__main__":
    unittest.main()
