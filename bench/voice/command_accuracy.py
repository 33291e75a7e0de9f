#!/usr/bin/env python3
"""Voice-command accuracy of `auralis listen --file` on espeak-ng speech.

Usage: python3 bench/voice/command_accuracy.py [AURALIS_BIN] [--wide] [--split] [--quiet]

The default phrase list and voices are those of tests/integration/voice_test.py (the figure in
docs/benchmarks.md). --wide adds more phrases and voice/speed pairs. --split measures the wide
phrase list on the voices tuning was done on and, separately, on two held-out sets of voices
that no decoder or grammar choice was made on (round 3's, and a newer set chosen in round 4
before any round-4 measurement): a check that tuning did not overfit the test voices. Prints
each accuracy and every miss (--quiet: the held-out misses are counted, not listed).
"""
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

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
# The voices tuning was measured on (the test list's) and two held-out sets.
TUNE_VOICES = voice_test.VOICES
HELD_OUT_V3 = [("en", 150), ("en+m1", 170), ("en+f2", 130), ("en-gb", 180), ("en+m7", 165),
               ("en-us+f4", 145)]
HELD_OUT_V4 = [("en-us+m2", 150), ("en-us+f5", 170), ("en-gb-x-rp", 160), ("en-us+m4", 185),
               ("en-us+f1", 135), ("en-029", 165)]


def measure_voice(binary, phrases, voice, speed, directory, name):
    path, spans = voice_test.build_file(phrases, voice, speed, directory, name)
    r = subprocess.run([binary, "listen", "--file", path], capture_output=True,
                       text=True, timeout=600, check=True)
    events = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    finals = [e for e in events if e["type"] == "transcript" and e["stage"] == "final"]
    commands = [e for e in events if e["type"] == "command"]
    correct = 0
    misses = []
    for phrase, (s, e) in zip(phrases, spans):
        heard = [f for f in finals if f["t0"] < e + 0.3 and f["t1"] > s - 0.3]
        text = heard[0]["text"] if heard else ""
        cmd = [c for c in commands if c["t0"] < e + 0.3 and c["t1"] > s - 0.3]
        if text == phrase and cmd:
            correct += 1
        else:
            misses.append(f"{voice}@{speed}: '{phrase}' -> '{text}'"
                          + ("" if cmd or text != phrase else " (no command)"))
    return correct, len(phrases), misses


def measure(binary, phrases, voices):
    with tempfile.TemporaryDirectory() as d, ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda iv: measure_voice(binary, phrases, iv[1][0], iv[1][1], d, f"v{iv[0]}"),
            enumerate(voices)))
    correct = sum(r[0] for r in results)
    total = sum(r[1] for r in results)
    misses = [m for r in results for m in r[2]]
    return correct, total, misses


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = args[0] if args else os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")
    sets = [("test list", voice_test.PHRASES, voice_test.VOICES, True)]
    if "--wide" in sys.argv:
        sets.append(("wide list", voice_test.PHRASES + WIDE_PHRASES,
                     voice_test.VOICES + WIDE_VOICES, True))
    if "--split" in sys.argv:
        wide = voice_test.PHRASES + WIDE_PHRASES
        quiet = "--quiet" not in sys.argv
        sets += [("tune voices, wide phrases", wide, TUNE_VOICES, True),
                 ("held-out voices (round 3)", wide, HELD_OUT_V3, quiet),
                 ("held-out voices (round 4)", wide, HELD_OUT_V4, quiet)]
    for name, phrases, voices, show in sets:
        correct, total, misses = measure(binary, phrases, voices)
        print(f"{name}: {correct}/{total} = {correct / total:.1%}", flush=True)
        if show:
            for m in misses:
                print("  miss:", m)


if __name__ == "__main__":
    main()
