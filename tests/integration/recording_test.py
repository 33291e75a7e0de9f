"""Integration tests: recordings over REST, session bundles and `render --replay`.

Starts the real `auralis serve` on the clock backend with a temporary data directory and talks
to it over HTTP. `Server` is shared with presets_test.py and nginx_test.py.
"""
import array
import json
import os
import re
import resource
import signal
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import thread_stall

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")


class Server:
    """`auralis serve --port 0` in a temporary data directory; stderr goes to a file."""

    def __init__(self, data_dir, *args, preexec_fn=None):
        self.data_dir = data_dir
        self.log_path = os.path.join(os.path.dirname(data_dir.rstrip("/")) or ".",
                                     "server-%d.log" % time.monotonic_ns())
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--data-dir", data_dir, "--backend", "clock", *args],
            stdout=subprocess.PIPE, stderr=self.log, text=True, preexec_fn=preexec_fn)
        self.port = None
        deadline = time.time() + 60
        out = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            out.append(line)
            m = re.search(r"listening: http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
            if line.startswith("playing:"):
                break
        if self.port is None:
            self.stop()
            raise AssertionError("server did not start: %s %s" % ("".join(out), self.stderr()))

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, headers, body bytes); HTTP errors are returned, not raised."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url(path), data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method, path, body=None, expect=None):
        status, _, data = self.request(method, path, body)
        if expect is not None:
            assert status == expect, "%s %s -> %d %s" % (method, path, status, data[:500])
        return status, (json.loads(data) if data else None)

    def position(self):
        _, status = self.json("GET", "/api/v1/status", expect=200)
        return find_key(status, "position")

    def stderr(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode


def find_key(obj, key):
    """The first value of `key` anywhere in a JSON document."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        for v in obj.values():
            found = find_key(v, key)
            if found is not None:
                return found
    elif isinstance(obj, list):
        for v in obj:
            found = find_key(v, key)
            if found is not None:
                return found
    return None


def wav_chunks(data):
    """{chunk id: (offset of its payload, declared size)} of a RIFF/WAVE file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", data[:12]
    chunks, pos = {}, 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        chunks[cid] = (pos + 8, size)
        pos += 8 + size + (size & 1)
    return chunks


def wav_float_samples(data):
    """The data chunk's bytes of a float WAV, after checking the format is 32-bit float stereo."""
    chunks = wav_chunks(data)
    off, _ = chunks[b"fmt "]
    fmt, channels, _, _, _, bits = struct.unpack("<HHIIHH", data[off:off + 16])
    assert fmt in (3, 0xFFFE) and channels == 2 and bits == 32, (fmt, channels, bits)
    off, size = chunks[b"data"]
    return data[off:off + size]


class Recordings(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "data")
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        self.tmp.cleanup()

    def start(self, *args, **kw):
        self.server = Server(self.data, *args, **kw)
        return self.server

    def record(self, body, seconds):
        s = self.server
        _, r = s.json("POST", "/api/v1/recordings", body, expect=201)
        time.sleep(seconds)
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % r["id"], expect=200)
        return r["id"], row

    def test_wav_recording_is_listed_and_downloadable_with_ranges(self):
        s = self.start()
        rid, row = self.record({"format": "wav"}, 1.5)
        self.assertEqual(row["status"], "stopped")
        self.assertGreater(row["frames"], 48000 // 2)
        _, listing = s.json("GET", "/api/v1/recordings", expect=200)
        self.assertIn(rid, [r["id"] for r in listing["recordings"]])

        status, headers, full = s.request("GET", "/api/v1/recordings/%s/audio" % rid)
        self.assertEqual(status, 200)
        samples = wav_float_samples(full)
        self.assertEqual(len(samples), row["frames"] * 8)  # stereo float32
        self.assertTrue(any(samples), "the recording is all zeros")

        status, headers, part = s.request("GET", "/api/v1/recordings/%s/audio" % rid,
                                          headers={"Range": "bytes=4-11"})
        self.assertEqual(status, 206)
        self.assertEqual(part, full[4:12])
        self.assertEqual(headers.get("Content-Range"), "bytes 4-11/%d" % len(full))
        status, _, _ = s.request("GET", "/api/v1/recordings/%s/audio" % rid,
                                 headers={"Range": "bytes=%d-" % (len(full) + 10)})
        self.assertEqual(status, 416)

    def test_flac_and_opus_files(self):
        s = self.start()
        for fmt, magic in (("flac", b"fLaC"), ("opus", b"OggS")):
            rid, row = self.record({"format": fmt}, 1.0)
            self.assertEqual(row["status"], "stopped", row)
            status, headers, data = s.request("GET", "/api/v1/recordings/%s/audio" % rid)
            self.assertEqual(status, 200)
            self.assertEqual(data[:4], magic)
            if fmt == "opus":
                self.assertIn(b"OpusHead", data[:200])
                self.assertIn("ogg", headers.get("Content-Type", ""))

    def test_refusals(self):
        s = self.start()
        status, r = s.json("POST", "/api/v1/recordings", {"format": "mp3"})
        self.assertEqual(status, 400)
        self.assertEqual(r["error"]["code"], "invalid_param")
        self.assertEqual(r["error"]["field"], "format")
        status, r = s.json("POST", "/api/v1/recordings", {"format": "wav", "bundle": "yes"})
        self.assertEqual(status, 400)
        status, _ = s.json("POST", "/api/v1/recordings/rec-nope/stop")
        self.assertEqual(status, 404)
        status, _, _ = s.request("GET", "/api/v1/recordings/..%2F..%2Fetc/audio")
        self.assertEqual(status, 404)
        _, first = s.json("POST", "/api/v1/recordings", {"format": "wav"}, expect=201)
        status, r = s.json("POST", "/api/v1/recordings", {"format": "wav"})
        self.assertEqual(status, 409)
        self.assertEqual(r["error"]["code"], "busy")
        s.json("POST", "/api/v1/recordings/%s/stop" % first["id"], expect=200)
        status, r = s.json("POST", "/api/v1/recordings/%s/stop" % first["id"])
        self.assertEqual(status, 409)

    def test_unwritable_directory_refuses_and_audio_plays_on(self):
        os.makedirs(self.data)
        # A file where the recordings directory belongs: nothing can be created there (this
        # holds for root too, unlike a read-only mode).
        with open(os.path.join(self.data, "recordings"), "w") as f:
            f.write("in the way")
        s = self.start()
        status, r = s.json("POST", "/api/v1/recordings", {"format": "wav"})
        self.assertGreaterEqual(status, 500)
        self.assertIn("recordings", r["error"]["message"])
        before = s.position()
        time.sleep(0.5)
        self.assertGreater(s.position(), before)
        _, health = s.json("GET", "/health", expect=200)
        self.assertEqual(health["status"], "ok")

    def test_disk_full_stops_cleanly_with_a_valid_file(self):
        # The file-size limit (RLIMIT_FSIZE) stands in for a full disk: writes past it fail
        # with EFBIG as they would with ENOSPC. SIGXFSZ is ignored so the write returns an
        # error instead of killing the process (ignored signals survive exec).
        limit = 600 * 1024

        def limit_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        s = self.start(preexec_fn=limit_files)
        _, r = s.json("POST", "/api/v1/recordings", {"format": "wav"}, expect=201)
        rid = r["id"]
        deadline = time.time() + 30
        row = None
        while time.time() < deadline:
            _, row = s.json("GET", "/api/v1/recordings/%s" % rid, expect=200)
            if row["status"] == "failed":
                break
            time.sleep(0.25)
        self.assertEqual(row["status"], "failed", row)
        self.assertTrue(row.get("error"), row)
        self.assertIn("recording %s stopped" % rid, s.stderr())
        # The part written is a valid file: its header says exactly what it holds.
        path = os.path.join(self.data, "recordings", rid + ".wav")
        with open(path, "rb") as f:
            data = f.read()
        self.assertLessEqual(len(data), limit)
        samples = wav_float_samples(data)
        self.assertGreater(len(samples), 0)
        off, size = wav_chunks(data)[b"data"]
        self.assertEqual(off + size, len(data))
        # The audio plays on, and a stop now says it is no longer recording.
        before = s.position()
        time.sleep(0.5)
        self.assertGreater(s.position(), before)
        status, _ = s.json("POST", "/api/v1/recordings/%s/stop" % rid)
        self.assertEqual(status, 409)

    def record_bundle_and_replay(self, stall_seconds=0.0):
        """(live samples, replayed samples, manifest) of a bundle with a control change in the
        middle; with stall_seconds, the ensemble thread is stopped that long after the change,
        as a machine too loaded to schedule it would stall it."""
        s = self.start("--seed", "11")
        time.sleep(1.0)  # the recording starts well after sample 0: replay must cover the past
        _, r = s.json("POST", "/api/v1/recordings", {"format": "wav", "bundle": True}, expect=201)
        rid = r["id"]
        time.sleep(2.0)
        s.json("POST", "/api/v1/control", {"intensity": 0.95, "key": "F minor"}, expect=200)
        if stall_seconds > 0:
            time.sleep(1.0)
            thread_stall.stall_thread(s.proc.pid, "au-ensemble", stall_seconds)
        time.sleep(3.0)
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % rid, expect=200)
        self.assertEqual(row["status"], "stopped")
        bundle = os.path.join(self.data, row["bundlePath"])
        self.assertIn(rid, os.path.basename(bundle))
        with open(os.path.join(bundle, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["seed"], 11)
        self.assertTrue(manifest["replayable"], manifest)
        self.assertGreater(manifest["startSample"], 0)
        with open(os.path.join(bundle, "commands.jsonl")) as f:
            commands = [json.loads(l) for l in f if l.strip()]
        self.assertEqual(len(commands), 1)
        self.assertEqual(commands[0]["params"]["key"], "F minor")
        self.assertEqual(manifest["engineCommands"], "engine_commands.jsonl")
        with open(os.path.join(bundle, "audio.wav"), "rb") as f:
            live = wav_float_samples(f.read())

        out = os.path.join(self.tmp.name, "replay.wav")
        p = subprocess.run([BIN, "render", "--replay", bundle, "--seconds", "3600", "--out", out],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "rb") as f:
            offline = wav_float_samples(f.read())
        self.assertEqual(len(offline), len(live))
        return live, offline, manifest

    def assertSameSamples(self, live, offline):
        self.assertGreater(sum(abs(x) for x in array.array("f", live)), 0.0)
        if offline != live:
            first = next(i for i in range(0, len(live), 4) if live[i:i + 4] != offline[i:i + 4])
            self.fail("replay differs from the live recording from frame %d of %d"
                      % (first // 8, len(live) // 8))

    def test_bundle_replays_bit_identically(self):
        """A live recording that started mid-performance, with a control change in it,
        re-rendered offline from its bundle: the same samples, bit for bit."""
        live, offline, _ = self.record_bundle_and_replay()
        self.assertSameSamples(live, offline)

    def test_bundle_with_a_stalled_ensemble_replays_bit_identically(self):
        """The ensemble thread stalled for longer than a bar (2.67 s at 90 bpm) plus its
        250 ms look-ahead: the audio plays on, the planner skips ahead (counted), and the
        bundle still replays bit for bit."""
        live, offline, manifest = self.record_bundle_and_replay(stall_seconds=3.2)
        self.assertTrue(manifest["replayable"], manifest)
        _, _, text = self.server.request("GET", "/metrics")
        late = re.search(rb"^auralis_ensemble_late_wakes_total (\S+)$", text, re.M)
        self.assertIsNotNone(late)
        self.assertGreaterEqual(float(late.group(1)), 1)
        self.assertEqual(manifest["gapFrames"], 0)
        self.assertSameSamples(live, offline)

    def test_replay_of_a_missing_bundle_is_a_usage_error(self):
        p = subprocess.run([BIN, "render", "--replay", os.path.join(self.tmp.name, "none"),
                            "--seconds", "1", "--out", os.path.join(self.tmp.name, "x.wav")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--replay", p.stderr + p.stdout)


if __name__ == "__main__":
    unittest.main()
