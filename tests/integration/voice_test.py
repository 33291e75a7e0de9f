"""Integration tests of the voice side-chain: speech synthesised by espeak-ng (several voices
and speeds) run through `auralis listen --file`, as fast as possible and paced as a live input.

Prints the command accuracy and the latency figures (docs/benchmarks.md records them).
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import wave

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")

PHRASES = [
    "tempo ninety", "tempo one twenty", "set tempo to one hundred", "faster", "slower",
    "key of d minor", "key of f sharp minor", "key of e major", "key of a flat minor",
    "more intensity", "less intensity", "calmer", "drums off", "drums on", "bass off",
    "melody on", "louder", "start recording", "stop recording", "lights blackout",
]
VOICES = [("en-us", 160), ("en+m3", 140), ("en+f3", 190), ("en-us", 175)]
RATE = 22050
GAP = 1.2  # seconds of silence around each phrase
ACCURACY_FLOOR = 0.8  # regression floor (measured 0.838, deterministic); the goal is 0.9


def synth(text, voice, speed, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", path, text], check=True,
                   capture_output=True)


def read_frames(path):
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        return w.getframerate(), w.readframes(w.getnframes())


def build_file(phrases, voice, speed, directory, name):
    """Concatenates phrases with silence between; returns (path, [(start, end)] in seconds)."""
    pcm = b""
    spans = []
    rate = None
    for i, p in enumerate(phrases):
        part = os.path.join(directory, f"{name}_{i}.wav")
        synth(p, voice, speed, part)
        rate, frames = read_frames(part)
        pcm += b"\0\0" * int(GAP * rate)
        start = len(pcm) / 2 / rate
        pcm += frames
        spans.append((start, len(pcm) / 2 / rate))
    pcm += b"\0\0" * int(GAP * rate)
    path = os.path.join(directory, f"{name}.wav")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return path, spans


def listen(path, *extra, timeout=300):
    r = subprocess.run([BIN, "listen", "--file", path, *extra], capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"listen failed ({r.returncode}): {r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


@unittest.skipUnless(shutil.which("espeak-ng"), "espeak-ng is not installed")
class VoiceCommands(unittest.TestCase):
    def test_command_accuracy_over_voices_and_speeds(self):
        correct = total = 0
        misses = []
        with tempfile.TemporaryDirectory() as d:
            for vi, (voice, speed) in enumerate(VOICES):
                path, spans = build_file(PHRASES, voice, speed, d, f"v{vi}")
                events = listen(path)
                finals = [e for e in events if e["type"] == "transcript" and e["stage"] == "final"]
                commands = [e for e in events if e["type"] == "command"]
                for phrase, (s, e) in zip(PHRASES, spans):
                    total += 1
                    # The final whose span overlaps the phrase's.
                    heard = [f for f in finals if f["t0"] < e + 0.3 and f["t1"] > s - 0.3]
                    text = heard[0]["text"] if heard else ""
                    cmd = [c for c in commands if c["t0"] < e + 0.3 and c["t1"] > s - 0.3]
                    if text == phrase and cmd:
                        correct += 1
                    else:
                        misses.append(f"{voice}@{speed}: '{phrase}' -> '{text}'")
        accuracy = correct / total
        print(f"\nvoice command accuracy: {correct}/{total} = {accuracy:.1%}")
        for m in misses:
            print("  miss:", m)
        # The goal (issue 8) is 90%; this build measures 83.8% on these synthetic voices
        # (75% before round 4: docs/benchmarks.md). What remains is mostly espeak-ng's alveolar
        # bursts heard as labial (d -> b, start -> stop) and on/off swapped. The assertion is a
        # regression floor; the figure printed above is what is recorded.
        self.assertGreaterEqual(accuracy, ACCURACY_FLOOR, misses)

    def test_command_objects_use_the_control_vocabulary(self):
        with tempfile.TemporaryDirectory() as d:
            path, _ = build_file(["tempo one twenty", "bass off", "lights blackout"], "en-us", 160,
                                 d, "c")
            events = listen(path)
        commands = [e["command"] for e in events if e["type"] == "command"]
        self.assertTrue(commands, events)
        for c in commands:
            self.assertIn(c["type"], ("control", "recording", "lights", "voice"))
            if c["type"] == "control":
                self.assertTrue(set(c["params"]) <= {"bpm", "key", "intensity", "masterVolume",
                                                     "agents"}, c)
        for e in events:
            if e["type"] == "transcript":
                for field in ("stage", "text", "committed", "tentative", "t0", "t1", "confidence"):
                    self.assertIn(field, e)
                self.assertTrue(e["text"].startswith(e["committed"]))

    def test_dictation_hears_the_way_back_to_command_mode(self):
        # The language model rarely transcribes a short "command mode"; the final's second
        # decode against the command grammar must still switch back, so the next phrase is
        # a command again.
        with tempfile.TemporaryDirectory() as d:
            path, _ = build_file(["dictation mode", "command mode", "tempo one twenty"], "en-us",
                                 160, d, "esc")
            events = listen(path)
        commands = [e["command"] for e in events if e["type"] == "command"]
        self.assertEqual(commands[:2], [{"type": "voice", "mode": "dictation"},
                                        {"type": "voice", "mode": "command"}], events)
        self.assertIn({"type": "control", "params": {"bpm": 120}}, commands[2:], events)
        finals = [e for e in events if e["type"] == "transcript" and e["stage"] == "final"]
        self.assertEqual([f["mode"] for f in finals], ["command", "dictation", "command"])

    def test_silence_gives_no_transcripts(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "silence.wav")
            with wave.open(path, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(b"\0\0" * RATE * 3)
            self.assertEqual(listen(path), [])

    def test_realtime_partials_every_half_second_and_final_soon_after_speech(self):
        with tempfile.TemporaryDirectory() as d:
            path, spans = build_file(["set tempo to one hundred and twenty five"], "en-us", 120, d,
                                     "rt")
            events = listen(path, "--realtime")
        partials = [e for e in events if e["type"] == "transcript" and e["stage"] == "partial"]
        finals = [e for e in events if e["type"] == "transcript" and e["stage"] == "final"]
        self.assertEqual(len(finals), 1, events)
        self.assertGreaterEqual(len(partials), 2, events)
        gaps = [b["wall"] - a["wall"] for a, b in zip(partials, partials[1:])]
        stream_gaps = [b["t1"] - a["t1"] for a, b in zip(partials, partials[1:])]
        # espeak-ng pads its output with silence, so the speech ends at the VAD's t1 (before the
        # file's span end); the latency is the wall time of the final minus that.
        speech_end = min(spans[0][1], finals[0]["t1"])
        latency = finals[0]["wall"] - speech_end
        print(f"\npartial intervals (wall s): {[round(g, 3) for g in gaps]}; "
              f"final {latency * 1000:.0f} ms after the speech ended")
        for g in stream_gaps:
            self.assertAlmostEqual(g, 0.5, delta=0.05)
        for g in gaps:
            self.assertLess(g, 1.5)  # paced: about 0.5 s apart, generous on a loaded machine
        self.assertLess(latency, 1.5)
        # Committed words are never retracted across the partials and the final.
        committed = ""
        for e in partials + finals:
            self.assertTrue(e["committed"].startswith(committed), (committed, e))
            committed = e["committed"]


if __name__ == "__main__":
    unittest.main()
