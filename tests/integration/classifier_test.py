"""The sound classifier (music / speech / silence / noise): accuracy on a
held-out set made at test time — espeak-ng voices and texts, ensemble seeds,
General MIDI programs and noise levels the training never saw
(scripts/classifier/corpus.py, split "test") — and the live side-chain's
`ai_classifier_event` telemetry while a spoken file plays as the input.
"""
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import unittest

import protocol_client as pc

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")
SOURCE = os.environ.get("TEST_AURALIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "scripts", "classifier"))
import corpus  # noqa: E402

QUIET_DB = -60.0  # a window this quiet inside a speech/music/noise file is silence, as in training


def classify(path, *extra):
    r = subprocess.run([BIN, "classify", path, *extra], capture_output=True, text=True, timeout=120)
    return r


class HeldOut(unittest.TestCase):
    def test_held_out_accuracy_is_at_least_95_percent(self):
        work = tempfile.mkdtemp(prefix="auralis-classifier-test-")
        items = corpus.make_corpus(work, "test", BIN)
        right = total = 0
        per_label = {label: [0, 0] for label in corpus.LABELS}
        for path, label in items:
            feats = classify(path, "--features")
            labels = classify(path)
            self.assertEqual(labels.returncode, 0, labels.stderr)
            lines = [json.loads(line) for line in labels.stdout.splitlines()]
            windows = [line for line in lines if line["type"] == "classification"]
            levels = [json.loads(line)["features"][0] for line in feats.stdout.splitlines()]
            self.assertEqual(len(levels), len(windows))
            for level, window in zip(levels, windows):
                if label != "silence" and level < QUIET_DB:
                    continue
                ok = window["label"] == label
                right += ok
                total += 1
                per_label[label][0] += ok
                per_label[label][1] += 1
            self.assertEqual(lines[-1]["type"], "summary")
        accuracy = right / total
        print(f"held-out accuracy {accuracy:.4f} over {total} one-second windows: " +
              ", ".join(f"{k} {r}/{n}" for k, (r, n) in per_label.items()))
        self.assertGreaterEqual(accuracy, 0.95)
        for label, (r, n) in per_label.items():
            self.assertGreater(n, 0, label)
            self.assertGreaterEqual(r / n, 0.85, label)

    def test_unreadable_and_too_short_files_are_clear_errors(self):
        r = classify("/nonexistent.wav")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read", r.stderr)
        short = os.path.join(tempfile.mkdtemp(), "short.wav")
        subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", short, "synth", "0.3", "sine", "440"],
                       check=True)
        r = classify(short)
        self.assertEqual(r.returncode, 1)
        self.assertIn("shorter than one classifier window", r.stderr)


class Live(unittest.TestCase):
    def test_speech_at_the_input_is_labelled_live_and_the_music_at_the_master(self):
        work = tempfile.mkdtemp(prefix="auralis-classifier-live-")
        speech = os.path.join(work, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", speech,
                        "This is a spoken sentence that the classifier should hear as speech, "
                        "not as music, while the ensemble keeps playing."], check=True)
        with pc.AuralisServer(["--input-file", speech, "--input-loop", "true"]) as server:
            async def collect():
                import websockets
                async with websockets.connect(server.ws_url) as ws:
                    await ws.send(json.dumps({"type": "subscribe", "audio": "off",
                                              "telemetry": ["ai_classifier_event"]}))
                    events = []
                    while len(events) < 16:
                        events.append(await pc.read_type(ws, "ai_classifier_event", timeout=30))
                    return events
            events = asyncio.run(collect())
            drops = server.metric("auralis_classifier_drops_total", '{source="input"}')
        for e in events:
            self.assertIn(e["source"], ("input", "master"))
            self.assertAlmostEqual(sum(e["probabilities"].values()), 1.0, places=3)
            self.assertNotIn("samples", e)  # labels only, never audio
        inputs = [e["label"] for e in events if e["source"] == "input"]
        masters = [e["label"] for e in events if e["source"] == "master"]
        self.assertGreaterEqual(inputs.count("speech"), len(inputs) * 0.6, inputs)
        self.assertGreaterEqual(masters.count("music"), len(masters) * 0.6, masters)
        self.assertEqual(drops, 0)


if __name__ == "__main__":
    unittest.main()
