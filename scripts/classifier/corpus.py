"""Audio the sound classifier learns from and is tested on, made here from
nothing but Debian packages and Auralis itself:

- speech: espeak-ng, several voices, speeds and texts;
- music: `auralis render` (the ensemble) and fluidsynth renders of generated MIDI;
- noise: sox's white, pink and brown noise, some of it filtered, at several levels;
- silence: digital silence and quiet room tone.

`make_corpus(dir, split)` writes WAV files and returns [(path, label)]. The
"train" and "test" splits use different voices, texts, seeds, programs and
levels, so the test set is held out.
"""
import os
import random
import struct
import subprocess

LABELS = ["music", "speech", "silence", "noise"]

SENTENCES = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Please set the tempo to ninety and bring the drums in softly.",
    "We will meet at the station at half past seven tomorrow morning.",
    "Every evening the musicians gather in the old hall to rehearse.",
    "Turn the lights down a little and start the recording now.",
    "The weather report says rain will arrive later in the afternoon.",
    "She read the letter twice before putting it back in the drawer.",
    "Can you hear the difference between the first and the second take?",
    "Numbers like one hundred and twenty are easy to say out loud.",
    "After the concert the audience walked slowly into the cold night.",
    "This is a test of the speech recognizer with a longer sentence.",
    "Bring the bass forward and make the melody a bit calmer please.",
    "History books describe the city as a busy port two centuries ago.",
    "I think the key of D minor suits this piece better than C major.",
    "Children were playing in the park while their parents talked.",
    "The engineer checked every cable twice before the show began.",
]

SPLITS = {
    "train": {
        "voices": ["en-us", "en+m3", "en+f2", "en-gb", "en+m1", "en+f4"],
        "speeds": [130, 155, 175],
        "sentences": SENTENCES[:10],
        "seeds": [1, 2, 3, 4, 5, 6],
        "programs": [0, 24, 48, 19, 73, 4],
        "noise_levels": [0.9, 0.3, 0.08, 0.02],
    },
    "test": {
        "voices": ["en+m7", "en+f5", "en-us+m2"],
        "speeds": [145, 185],
        "sentences": SENTENCES[10:],
        "seeds": [101, 102, 103],
        "programs": [1, 25, 52, 11],
        "noise_levels": [0.5, 0.15, 0.04],
    },
}


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_midi(path, rng, program, seconds=20):
    """A format-0 Standard MIDI File: chords and a melody in a random key."""
    ticks = 480
    events = []  # (tick, bytes)
    key = rng.randrange(12)
    scale = [0, 2, 4, 5, 7, 9, 11]
    beats = int(seconds * 2)  # 120 bpm
    events.append((0, bytes([0xC0, program])))
    events.append((0, bytes([0xC1, program])))
    for bar in range(beats // 4):
        root = scale[rng.randrange(7)]
        chord = [48 + key + root + i for i in (0, 4, 7)]
        t = bar * 4 * ticks
        for n in chord:
            events.append((t, bytes([0x91, n, 60])))
            events.append((t + 4 * ticks - 10, bytes([0x81, n, 0])))
        for beat in range(4):
            if rng.random() < 0.2:
                continue
            n = 64 + key + scale[rng.randrange(7)]
            start = t + beat * ticks
            length = ticks // (1 if rng.random() < 0.6 else 2)
            events.append((start, bytes([0x90, n, rng.randrange(70, 110)])))
            events.append((start + length - 5, bytes([0x80, n, 0])))
    events.sort(key=lambda e: e[0])
    track = bytearray()
    last = 0
    for tick, data in events:
        delta = tick - last
        last = tick
        var = [delta & 0x7F]
        delta >>= 7
        while delta:
            var.insert(0, (delta & 0x7F) | 0x80)
            delta >>= 7
        track += bytes(var) + data
    track += b"\x00\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks))
        f.write(b"MTrk" + struct.pack(">I", len(track)) + track)


def make_corpus(out_dir, split, auralis_bin, soundfont="/usr/share/sounds/sf2/FluidR3_GM.sf2"):
    cfg = SPLITS[split]
    rng = random.Random(split)
    os.makedirs(out_dir, exist_ok=True)
    items = []

    def path(name):
        return os.path.join(out_dir, f"{split}-{name}.wav")

    # Speech: every voice reads several sentences at several speeds.
    for vi, voice in enumerate(cfg["voices"]):
        for si, sentence in enumerate(cfg["sentences"]):
            speed = cfg["speeds"][(vi + si) % len(cfg["speeds"])]
            p = path(f"speech-{vi}-{si}")
            run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", p, sentence])
            items.append((p, "speech"))
    # Music: the ensemble at several intensities and keys, and General MIDI renders.
    keys = ["C major", "D minor", "F# dorian", "Bb major", "E minor", "A mixolydian"]
    for i, seed in enumerate(cfg["seeds"]):
        p = path(f"ensemble-{seed}")
        run([auralis_bin, "render", "--seconds", "20", "--out", p, "--seed", str(seed),
             "--intensity", str([0.2, 0.5, 0.9][i % 3]), "--key", keys[i % len(keys)]])
        items.append((p, "music"))
    for program in cfg["programs"]:
        mid = os.path.join(out_dir, f"{split}-gm-{program}.mid")
        write_midi(mid, rng, program)
        p = path(f"gm-{program}")
        run(["fluidsynth", "-ni", "-g", "0.6", "-F", p, "-r", "44100", soundfont, mid])
        items.append((p, "music"))
    # Noise: three colours, plain and filtered, at several levels.
    for colour in ["whitenoise", "pinknoise", "brownnoise"]:
        for level in cfg["noise_levels"]:
            p = path(f"noise-{colour}-{level}")
            run(["sox", "-n", "-r", "48000", "-c", "1", p, "synth", "8", colour, "vol", str(level)])
            items.append((p, "noise"))
            p = path(f"noise-{colour}-{level}-band")
            run(["sox", "-n", "-r", "48000", "-c", "1", p, "synth", "8", colour, "vol", str(level),
                 "sinc", "200-3000"])
            items.append((p, "noise"))
    # Silence: digital zero, and room tone far below anything else.
    p = path("silence-digital")
    run(["sox", "-n", "-r", "48000", "-c", "1", p, "trim", "0", "8"])
    items.append((p, "silence"))
    for level in [0.0005, 0.001] if split == "train" else [0.0007]:
        p = path(f"silence-roomtone-{level}")
        run(["sox", "-n", "-r", "48000", "-c", "1", p, "synth", "8", "brownnoise", "vol", str(level)])
        items.append((p, "silence"))
    return items
