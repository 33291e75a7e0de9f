#!/usr/bin/env python3
"""Voice-command accuracy of `auralis listen --file` on espeak-ng speech.

Usage: python3 bench/voice/command_accuracy.py [AURALIS_BIN] [--wide]

The default phrase list and voices are those of tests/integration/voice_test.py (the figure in
docs/benchmarks.md); --wide adds more phrases and voice/speed pairs, a check that tuning did
not overfit the test list. Prints the accuracy and every miss.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration"))
import voice_test  # noqa: E402  (phrase list, voices and the file builder)

WIDE_PHRASES = [
    "tempo eighty", "tempo one forty five", "set tempo to one hundred and ten", "speed up",
    "slow down", "key of c major", "key of g minor", "key of b flat major", "key of e flat minor",
    "key of d dorian", "key of a minor", "key of c sharp minor", "wilder", "quieter",
    "percussion off", "harmony on", "chords off", "bass on", "lights on", "lights off",
    "dictation mode", "command mode", "tempo sixty five", "key of f major",
]
WIDE_VOICES = [("en-us", 130), ("en+m1", 170), ("en+f2", 150), ("en-gb", 160), ("en+m7", 180)]


def measure(binary, phrases, voices):
    correct = total = 0
    misses = []
    with tempfile.TemporaryDirectory() as d:
        for vi, (voice, speed) in enumerate(voices):
            path, spans = voice_test.build_file(phrases, voice, speed, d, f"v{vi}")
            r = subprocess.run([binary, "listen", "--file", path], capture_output=True,
                               text=True, timeout=600, check=True)
            events = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
            finals = [e for e in events if e["type"] == "transcript" and e["stage"] == "final"]
            commands = [e for e in events if e["type"] == "command"]
            for phrase, (s, e) in zip(phrases, spans):
                total += 1
                heard = [f for f in finals if f["t0"] < e + 0.3 and f["t1"] > s - 0.3]
                text = heard[0]["text"] if heard else ""
                cmd = [c for c in commands if c["t0"] < e + 0.3 and c["t1"] > s - 0.3]
                if text == phrase and cmd:
                    correct += 1
                else:
                    misses.append(f"{voice}@{speed}: '{phrase}' -> '{text}'"
                                  + ("" if cmd or text != phrase else " (no command)"))
    return correct, total, misses


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = args[0] if args else os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")
    sets = [("test list", voice_test.PHRASES, voice_test.VOICES)]
    if "--wide" in sys.argv:
        sets.append(("wide list", voice_test.PHRASES + WIDE_PHRASES,
                     voice_test.VOICES + WIDE_VOICES))
    for name, phrases, voices in sets:
        correct, total, misses = measure(binary, phrases, voices)
        print(f"{name}: {correct}/{total} = {correct / total:.1%}")
        for m in misses:
            print("  miss:", m)


if __name__ == "__main__":
    main()
