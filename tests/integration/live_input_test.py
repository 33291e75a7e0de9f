"""Live input end to end: `auralis serve --input-file` plays a file of clicks as the
live input, paced by the clock backend; with --respond-to-onsets true the engine answers
each click, and /metrics shows the onsets, the answers and their latency in samples.
Also: a file that is not audio is refused at start with exit 2, naming the key.
"""
import os
import re
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.request
import wave

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")
RATE = 44100          # not the engine's rate: the input is resampled
CLICK_EVERY = 0.25    # seconds
SECONDS = 3.0


def write_clicks(path):
    frames = bytearray()
    period = int(CLICK_EVERY * RATE)
    for i in range(int(SECONDS * RATE)):
        k = i % period
        v = int(20000 / (1 + k)) * (1 if k % 2 == 0 else -1) if k < 8 else 0
        frames += struct.pack("<h", v)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))


def metric(text, name):
    m = re.search(r"^%s(?:\{[^}]*\})? ([0-9.eE+-]+)$" % re.escape(name), text, re.M)
    return float(m.group(1)) if m else None


class LiveInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.proc = None

    def tearDown(self):
        if self.proc:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc.stdout.close()
            self.proc.stderr.close()
        self.tmp.cleanup()

    def start(self, *extra):
        data = os.path.join(self.tmp.name, "data")
        self.proc = subprocess.Popen([BIN, "serve", "--data-dir", data, "--port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"listening: http://127\.0\.0\.1:(\d+)/", line)
            if m:
                return int(m.group(1))
        self.fail("server did not start: " + (self.proc.stderr.read() if self.proc.poll() is not None else ""))

    def test_input_file_clicks_are_answered_and_measured(self):
        clicks = os.path.join(self.tmp.name, "clicks.wav")
        write_clicks(clicks)
        port = self.start("--input-file", clicks, "--respond-to-onsets", "true")
        # The file lasts 3 s of audio clock; give a loaded machine plenty of time.
        deadline = time.time() + 30
        text = ""
        while time.time() < deadline:
            text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
            if (metric(text, "auralis_input_onsets_total") or 0) >= 10:
                break
            time.sleep(0.5)
        onsets = metric(text, "auralis_input_onsets_total")
        answers = metric(text, "auralis_responses_total")
        count = metric(text, "auralis_response_latency_samples_count")
        total = metric(text, "auralis_response_latency_samples_sum")
        # 12 clicks in the file (no loop): the detector must find (nearly) all, and
        # nothing else, since the ensemble's own music is not the input.
        self.assertIsNotNone(onsets, text[:2000])
        self.assertGreaterEqual(onsets, 10)
        self.assertLessEqual(onsets, 12)
        self.assertEqual(answers, onsets)
        self.assertEqual(count, answers)
        # Each answer starts on its onset's sample: only the master's look-ahead
        # (tens of samples) separates them, far below one 256-frame block.
        self.assertLess(total / count, 256)

    def test_without_responding_onsets_are_counted_but_not_answered(self):
        clicks = os.path.join(self.tmp.name, "clicks.wav")
        write_clicks(clicks)
        port = self.start("--input-file", clicks)
        deadline = time.time() + 30
        onsets = 0
        while time.time() < deadline and onsets < 10:
            text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
            onsets = metric(text, "auralis_input_onsets_total") or 0
            time.sleep(0.5)
        self.assertGreaterEqual(onsets, 10)
        self.assertEqual(metric(text, "auralis_responses_total"), 0)

    def test_an_input_file_that_is_not_audio_is_refused(self):
        bogus = os.path.join(self.tmp.name, "notes.txt")
        with open(bogus, "w") as f:
            f.write("not audio\n")
        r = subprocess.run([BIN, "serve", "--data-dir", os.path.join(self.tmp.name, "d"),
                            "--port", "0", "--input-file", bogus],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("notes.txt", r.stderr)


if __name__ == "__main__":
    unittest.main()
