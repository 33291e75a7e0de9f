#!/usr/bin/env python3
"""Side by side: `auralis analyze` and aubio-tools (aubioonset, aubiopitch, defaults)
on the same fluidsynth renders (tests/integration/fixtures/analysis_fixtures.py).

    python3 bench/analysis/compare_aubio.py [path/to/auralis] [seed ...]

With seeds (default: 2024, the tests' seed) the fixture generator draws other
phrases and mixes for each seed, so the figures are not tuned to one file.

Prints, per set: onset F-measure (±50 ms) and mean onset offset, pitch accuracy
(±50 cents on frames under a note, monophonic sets), and CPU seconds per second of
audio. auralis's CPU figure covers its whole analysis (onsets, pitch, tempo, key,
spectrum, loudness, decoding); aubio's is each tool on its own. A benchmark prints
figures; it never fails.
"""
import os
import resource
import subprocess
import sys
import tempfile
import json

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "fixtures"))
import analysis_fixtures as fx  # noqa: E402


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    auralis = sys.argv[1] if len(sys.argv) > 1 else "build/src/app/auralis"
    seeds = [int(a) for a in sys.argv[2:]] or [2024]
    if not fx.available():
        print("fluidsynth or the GM SoundFont is missing")
        return
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="auralis-bench-") as d:
            bench_seed(auralis, d, seed)


def bench_seed(auralis, d, seed):
    sets = fx.make_sets(d, seed=seed)
    print("seed %d" % seed)
    print("fluidsynth start latency (measured, subtracted from ground truth): %.1f ms"
          % (next(iter(sets.values())).latency * 1000))
    print("%-7s %-8s %8s %9s %9s %10s" % ("set", "tool", "onset F1", "offset", "pitch", "CPU s/s"))
    for name, s in sets.items():
        seconds = max(n.end for n in s.notes) + 1.0
        out, cpu = timed([auralis, "analyze", s.wav])
        ev = [json.loads(line) for line in out.splitlines()]
        f1, _, _, off = fx.onset_f1(s.onsets, [e["t"] for e in ev if e["type"] == "onset"])
        pitch = "-"
        if s.monophonic:
            acc, _ = fx.pitch_accuracy(s.notes, s.latency,
                                       [(e["t"], e["hz"]) for e in ev if e["type"] == "pitch"])
            pitch = "%.3f" % acc
        extra = [e for e in ev if e["type"] in ("tempo", "key")]
        print("%-7s %-8s %8.3f %7.1fms %9s %10.4f  %s" % (
            name, "auralis", f1, off * 1000, pitch, cpu / seconds,
            " ".join("%s=%s" % (e["type"], e.get("bpm", e.get("key"))) for e in extra)))
        out, cpu_on = timed(["aubioonset", "-i", s.wav])
        f1, _, _, off = fx.onset_f1(s.onsets, [float(x) for x in out.split()])
        pitch, cpu_p = "-", 0.0
        if s.monophonic:
            out, cpu_p = timed(["aubiopitch", "-i", s.wav])
            track = [tuple(map(float, line.split())) for line in out.splitlines()]
            acc, _ = fx.pitch_accuracy(s.notes, s.latency, track)
            pitch = "%.3f" % acc
        print("%-7s %-8s %8.3f %7.1fms %9s %10.4f  (onset %.4f, pitch %.4f)" % (
            name, "aubio", f1, off * 1000, pitch, (cpu_on + cpu_p) / seconds,
            cpu_on / seconds, cpu_p / seconds))


if __name__ == "__main__":
    main()
