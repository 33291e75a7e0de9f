"""Integration: agents play with a human. A melodic phrase file plays as the live
input of the real `auralis serve`; with live.follow on, the melody answers the
phrases (auralis_phrases_answered_total rises); with it off, nothing is answered.
"""
import math
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.request
import wave

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")
RATE = 48000


def write_phrases(path):
    """Four phrases of five plucked notes (A C E D C), 1.5 s of silence between."""
    samples = [0.0] * (RATE * 12)
    t = 0.5
    for i, note in enumerate([69, 72, 76, 74, 72] * 4):
        if i % 5 == 0 and i > 0:
            t += 1.5
        freq = 440.0 * 2 ** ((note - 69) / 12)
        start = int(t * RATE)
        for k in range(int(0.28 * RATE)):
            samples[start + k] += 0.5 * math.sin(2 * math.pi * freq * k / RATE) * math.exp(-6 * k / RATE)
        t += 0.3
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(v * 32767)) for v in samples))


class Follow(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.wav = os.path.join(self.dir, "phrases.wav")
        write_phrases(self.wav)
        self.proc = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def serve(self, follow):
        env = {**os.environ, "AURALIS_LIVE_FOLLOW": follow}
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--data-dir", os.path.join(self.dir, "data"),
             "--input-file", self.wav, "--input-loop", "true"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"listening: (http://127\.0\.0\.1:\d+/)", line)
            if m:
                return m.group(1)
        self.fail("server did not report its address")

    def answered(self, base):
        text = urllib.request.urlopen(base + "metrics", timeout=10).read().decode()
        m = re.search(r"^auralis_phrases_answered_total (\S+)$", text, re.M)
        self.assertIsNotNone(m, "auralis_phrases_answered_total is exported")
        return float(m.group(1))

    def test_phrases_are_answered_when_following(self):
        base = self.serve("all")
        deadline = time.time() + 60  # a loaded VM: give it time
        while time.time() < deadline and self.answered(base) < 2:
            time.sleep(1)
        self.assertGreaterEqual(self.answered(base), 2)

    def test_nothing_is_answered_when_following_is_off(self):
        base = self.serve("off")
        time.sleep(12)  # one pass of the file: four phrases
        self.assertEqual(self.answered(base), 0)


if __name__ == "__main__":
    unittest.main()
