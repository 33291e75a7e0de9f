#!/usr/bin/env python3
"""The benchmark voice for scsynth, written without sclang.

Writes a binary SynthDef (SCgf, version 2) for the patch shared with
bench/voices/voices_per_core.cpp, voices.dsp and voices.csd:
  two band-limited saws (Saw.ar) detuned by +-5 cents -> RLPF 1.8 kHz
  (rq 1/1.2, the same Q as the Faust/Csound peers) -> EnvGen ADSR
  (5 ms, 200 ms, 0.7, 300 ms; Env.adsr's default curve -4) -> x 0.1 -> Pan2
  -> Out.ar(0)
and a non-real-time OSC score for `scsynth -N` that loads it (/d_recv), starts
VOICES voices at time 0 (the same pitches and pans as the other peers) and
ends at DUR seconds.

Why scsynth used to crash in EnvGen: the EnvGen input layout was right all
along (gate, levelScale, levelBias, timeScale, doneAction, initLevel,
numStages, releaseNode, loopNode, then level/time/shape/curve per stage). The
bug was here: constants were registered lazily while encode() wrote the UGen
specs, i.e. after the constant table (written first) had gone out empty, so
every constant input indexed past the end of an empty table. scsynth read
whatever memory followed; a one-stage envelope happened to survive, ADSR's
stage change dereferenced garbage. Constants are now registered when the UGen
is created.

Usage: make_synthdef.py VOICES DUR OUTDIR   -> OUTDIR/voice.scsyndef, OUTDIR/score.osc
"""
import math
import struct
import sys

SCALAR, CONTROL, AUDIO = 0, 1, 2
OP_ADD, OP_MUL = 0, 2


def pstring(s):
    b = s.encode()
    return struct.pack(">B", len(b)) + b


class SynthDef:
    def __init__(self, name, params):
        self.name = name
        self.params = params  # [(name, default)]
        self.constants = []
        self.ugens = []  # (class, rate, inputs, outputs rates, special)

    def const(self, value):
        value = float(value)
        if value not in self.constants:
            self.constants.append(value)
        return (-1, self.constants.index(value))

    def ugen(self, cls, rate, inputs, outputs=1, special=0):
        # Constants are registered here, while the graph is built: encode()
        # writes the constant table before the UGen specs that refer to it.
        inputs = [self.inp(x) for x in inputs]
        self.ugens.append((cls, rate, inputs, [rate] * outputs, special))
        index = len(self.ugens) - 1
        return [(index, o) for o in range(outputs)] if outputs != 1 else (index, 0)

    def inp(self, x):
        return x if isinstance(x, tuple) else self.const(x)

    def encode(self):
        out = pstring(self.name)
        out += struct.pack(">i", len(self.constants))
        out += b"".join(struct.pack(">f", c) for c in self.constants)
        out += struct.pack(">i", len(self.params))
        out += b"".join(struct.pack(">f", d) for _, d in self.params)
        out += struct.pack(">i", len(self.params))
        out += b"".join(pstring(n) + struct.pack(">i", i) for i, (n, _) in enumerate(self.params))
        out += struct.pack(">i", len(self.ugens))
        for cls, rate, inputs, outs, special in self.ugens:
            out += pstring(cls) + struct.pack(">biih", rate, len(inputs), len(outs), special)
            for u, o in inputs:
                out += struct.pack(">ii", u, o)
            out += b"".join(struct.pack(">b", r) for r in outs)
        out += struct.pack(">h", 0)  # no variants
        return out


def voice_def():
    d = SynthDef("auralis_voice", [("freq", 220.0), ("pan", 0.0), ("gate", 1.0)])
    freq, pan, gate = d.ugen("Control", CONTROL, [], outputs=3, special=0)
    cents = 2.0 ** (5.0 / 1200.0)
    up = d.ugen("BinaryOpUGen", CONTROL, [freq, cents], special=OP_MUL)
    down = d.ugen("BinaryOpUGen", CONTROL, [freq, 1.0 / cents], special=OP_MUL)
    saw1 = d.ugen("Saw", AUDIO, [up])
    saw2 = d.ugen("Saw", AUDIO, [down])
    mix = d.ugen("BinaryOpUGen", AUDIO, [saw1, saw2], special=OP_ADD)
    # 0.5 (saw mix) x 0.1 (voice gain), folded into one multiply below.
    lp = d.ugen("RLPF", AUDIO, [mix, 1800.0, 1.0 / 1.2])
    # EnvGen: gate, levelScale, levelBias, timeScale, doneAction, then the
    # envelope: initial level, stages, release node, loop node (-99: none),
    # and per stage [level, time, shape (5 = curve), curve].
    env = [0, 3, 2, -99, 1, 0.005, 5, -4, 0.7, 0.2, 5, -4, 0, 0.3, 5, -4]
    eg = d.ugen("EnvGen", CONTROL, [gate, 1, 0, 1, 0] + env)
    shaped = d.ugen("BinaryOpUGen", AUDIO, [lp, eg], special=OP_MUL)
    scaled = d.ugen("BinaryOpUGen", AUDIO, [shaped, 0.05], special=OP_MUL)
    left, right = d.ugen("Pan2", AUDIO, [scaled, pan, 1.0], outputs=2)
    d.ugen("Out", AUDIO, [0, left, right], outputs=0)
    return d


def scgf(defs):
    return b"SCgf" + struct.pack(">ih", 2, len(defs)) + b"".join(x.encode() for x in defs)


def osc_pad(b):
    return b + b"\0" * (4 - len(b) % 4)


def osc_string(s):
    return osc_pad(s.encode())


def osc_message(address, *args):
    tags, data = ",", b""
    for a in args:
        if isinstance(a, bytes):
            tags += "b"
            data += struct.pack(">i", len(a)) + a + b"\0" * (-len(a) % 4)
        elif isinstance(a, str):
            tags += "s"
            data += osc_string(a)
        elif isinstance(a, int):
            tags += "i"
            data += struct.pack(">i", a)
        else:
            tags += "f"
            data += struct.pack(">f", a)
    return osc_string(address) + osc_string(tags) + data


def osc_bundle(seconds, messages):
    whole = int(seconds)
    frac = int((seconds - whole) * 2**32)
    body = b"#bundle\0" + struct.pack(">II", whole, frac)
    for m in messages:
        body += struct.pack(">i", len(m)) + m
    return struct.pack(">i", len(body)) + body  # NRT scores prefix each bundle with its size


def main():
    voices, dur, outdir = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    synthdef = scgf([voice_def()])
    with open(f"{outdir}/voice.scsyndef", "wb") as f:
        f.write(synthdef)
    start = [osc_message("/d_recv", synthdef)]
    for v in range(voices):
        freq = 55.0 * 2.0 ** ((v % 48) / 12.0)
        pan = 2.0 * ((v % 17) / 16.0) - 1.0  # the peers' 0..1 pan as Pan2's -1..1
        start.append(osc_message("/s_new", "auralis_voice", 1000 + v, 1, 0, "freq", freq, "pan", pan))
    with open(f"{outdir}/score.osc", "wb") as f:
        f.write(osc_bundle(0.0, start))
        f.write(osc_bundle(dur, [osc_message("/c_set", 0, 0)]))  # the end of the score


if __name__ == "__main__":
    main()
