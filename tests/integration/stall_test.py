"""Side-chain stalls: one named thread of the real server is stopped for a few seconds
(tests/integration/thread_stall.py, as a machine too loaded to schedule it would) while
a WebSocket listener and an Art-Net receiver watch. For each side-chain thread:
  - the audio position keeps advancing at real time and no block misses its deadline;
  - the other side-chains keep producing (telemetry, audio frames, Art-Net);
  - the stalled one stops producing, and its drops are counted where it has a tap;
  - it recovers: its product comes back and its drops stop growing.
Real-time figures (deadline misses, the pace of the clock) are asserted only in
the plain build; under a sanitizer the same paths run without them."""
import os
import tempfile
import time
import unittest

import fault_support as fs
import thread_stall

STALL_SECONDS = 2.5  # longer than a tap's 256 blocks (1.4 s at 256 frames, 48 kHz)

# thread → (drop counters that must grow, what it produces, what others must keep producing)
STALLS = {
    "au-analysis": (['auralis_tap_drops_total{tap="master_analysis"}'], "meters",
                    ["audio", "artnet"]),
    "au-classifier": (['auralis_classifier_drops_total{source="master"}'], "ai_classifier_event",
                      ["meters", "audio", "artnet"]),
    "au-stream": (['auralis_tap_drops_total{tap="master"}'], "audio", ["meters", "artnet"]),
    "au-lighting": (["auralis_dmx_late_frames_total"], "artnet", ["meters", "audio"]),
    "au-loudness": (['auralis_tap_drops_total{tap="master_loudness"}'], None,
                    ["meters", "audio", "artnet"]),
    "au-recorder": (['auralis_tap_drops_total{tap="master_record"}'], None,
                    ["meters", "audio", "artnet"]),
}
# Least messages of each kind expected in ~2 s while another thread is stalled
# (meters ~30/s, PCM16 frames 10/s, Art-Net 40/s): a loose floor for a loaded machine.
FLOOR = {"meters": 5, "audio": 5, "artnet": 10}


class SideChainStalls(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.server = fs.Server(os.path.join(self.tmp.name, "data"))
        self.observer = fs.Observer(self.server.port, self.server.artnet_port)

    def tearDown(self):
        self.observer.close()
        self.server.kill()
        self.tmp.cleanup()

    def figures(self, names):
        m = self.server.metrics()
        for n in names:
            self.assertIn(n, m, "metric %s is not exported" % n)
        return {n: m[n] for n in names}, m.get("auralis_audio_deadline_misses_total", 0.0)

    def stall(self, thread):
        drops, product, others = STALLS[thread]
        o, s = self.observer, self.server
        # Everything is flowing before the fault.
        for kind in others + ([product] if product else []):
            self.assertTrue(o.wait_for(kind, 2, timeout=30), "no %s before the stall" % kind)
        before, misses_before = self.figures(drops)
        pos0, wall0 = s.position(), time.monotonic()
        thread_stall.stall_thread(s.proc.pid, thread, STALL_SECONDS)
        t1 = time.monotonic()
        t0 = t1 - STALL_SECONDS
        pos1, wall1 = s.position(), time.monotonic()
        after, misses_after = self.figures(drops)

        # The audio went on at real time, and the others kept producing.
        advanced = (pos1 - pos0) / s.rate
        self.assertGreater(advanced, 0.5 * (wall1 - wall0), "the audio position stalled")
        if not fs.sanitized_build():
            self.assertGreater(advanced, 0.85 * (wall1 - wall0) - 0.1)
            self.assertLess(advanced, 1.15 * (wall1 - wall0) + 0.2)
            self.assertEqual(misses_after, misses_before, "deadline misses during the stall")
        for kind in others:
            self.assertGreaterEqual(o.count(kind, t0 + 0.3, t1), FLOOR[kind],
                                    "%s stopped while %s was stalled" % (kind, thread))
        # The stalled thread really stopped, and its drops were counted.
        if product:
            self.assertEqual(o.count(product, t0 + 0.4, t1 - 0.05), 0,
                             "%s kept coming while %s was stalled" % (product, thread))
        for n in drops:
            self.assertGreater(after[n], before[n], "%s did not count the stall" % n)
        # It recovers: its product comes back and its drops stop growing once the
        # backlog is drained.
        if product:
            self.assertTrue(o.wait_for(product, 2, timeout=20), "%s did not come back" % product)
        time.sleep(1.0)
        settled, _ = self.figures(drops)
        time.sleep(1.5)
        later, _ = self.figures(drops)
        for n in drops:
            if n != "auralis_dmx_late_frames_total":
                self.assertEqual(later[n], settled[n], "%s still growing after the stall" % n)
        _, health = s.json("GET", "/health", expect=200)
        self.assertEqual(health["status"], "ok")

    def test_analysis_stall(self):
        self.stall("au-analysis")

    def test_classifier_stall(self):
        self.stall("au-classifier")

    def test_stream_stall_listeners_skip_ahead(self):
        self.stall("au-stream")
        # After the stall the listener hears live audio again: the frames it now gets
        # are from after the stall (it skipped what the tap dropped), in order.
        positions = self.observer.details("audio")
        self.assertGreater(positions[-1], positions[0])
        live = self.server.position()
        self.assertTrue(self.observer.wait_for("audio", 3, timeout=10))
        self.assertGreater(self.observer.details("audio")[-1], live - 2 * 48000)

    def test_lighting_stall(self):
        self.stall("au-lighting")

    def test_loudness_stall(self):
        self.stall("au-loudness")

    def test_recorder_stall_while_recording_counts_gap_frames(self):
        s = self.server
        _, r = s.json("POST", "/api/v1/recordings", {"format": "wav", "bundle": True}, expect=201)
        time.sleep(1.0)
        self.stall("au-recorder")
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % r["id"], expect=200)
        self.assertEqual(row["status"], "stopped", row)
        bundle = os.path.join(s.data_dir, row["bundlePath"])
        import json
        with open(os.path.join(bundle, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertGreater(manifest["gapFrames"], 0, manifest)
        self.assertFalse(manifest["replayable"], "a recording with a gap cannot replay")
        with open(os.path.join(bundle, "audio.wav"), "rb") as f:
            data = f.read()
        channels, frame_bytes, _, size = fs.wav_layout(data)
        self.assertEqual(channels, 2)
        # The gap was filled with silence, so the file keeps the time it covered.
        self.assertEqual(size // frame_bytes, manifest["frames"])
        self.assertGreater(manifest["frames"], manifest["gapFrames"])


if __name__ == "__main__":
    unittest.main()
