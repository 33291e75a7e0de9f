#!/usr/bin/env bash
# Side-by-side voices/core: Auralis against Faust and Csound rendering the same
# patch (two detuned band-limited saws -> resonant low-pass -> ADSR -> pan) at
# 48 kHz on one thread, same voice count and duration; CPU time, not wall time.
# Usage: bench/peers/run_side_by_side.sh [voices=512] [seconds=10]
# scsynth runs in non-real-time mode (-N) on a score written by make_synthdef.py
# (SynthDef binary and OSC score, no sclang needed); -n/-m raise its node and
# real-time memory limits, whose defaults (1024 nodes, 8 MiB) would silently
# cap the voice count.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
voices=${1:-512}
seconds=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/scripts/bench-deps.sh" >/dev/null

# Auralis: the CMake target if built, else a direct build with the project's flags.
bin="${AURALIS_BUILD:-$root/build}/bench/voices_per_core"  # AURALIS_BUILD: another build dir
if [[ ! -x $bin ]]; then
  g++ -std=c++20 -O2 -DNDEBUG -I"$root/src" -o "$work/voices_per_core" \
    "$root/bench/voices/voices_per_core.cpp" "$root/src/dsp/saw_bank.cpp"
  bin="$work/voices_per_core"
fi
auralis=$("$bin" "$voices" "$seconds" 3 | sed -n 's/.*voices\/core \([0-9]*\).*/\1/p')

faust -lang cpp -cn FaustVoice -scn dsp "$root/bench/peers/voices.dsp" -o "$work/faust_voice.h"
g++ -std=c++17 -O2 -I"$work" -o "$work/faust_voices" "$root/bench/peers/faust_voices.cpp"
faustv=$("$work/faust_voices" "$voices" "$seconds" | sed -n 's/.*voices\/core \([0-9]*\).*/\1/p')

# CPU time (user + system), like the two programs above: wall time on a shared
# machine would count other people's work.
cpu() { /usr/bin/time -f "%U %S" -o "$work/time" "$@" >"$work/peer.log" 2>&1; awk '{ print $1 + $2 }' "$work/time"; }
csoundt=$(cpu csound --omacro:VOICES="$voices" --omacro:DUR="$seconds" "$root/bench/peers/voices.csd")
csoundv=$(awk -v v="$voices" -v d="$seconds" -v t="$csoundt" 'BEGIN { printf "%.0f", v * d / t }')

python3 "$root/bench/peers/make_synthdef.py" "$voices" "$seconds" "$work"
sct=$(cpu scsynth -n 65536 -m 1048576 -N "$work/score.osc" _ "$work/scsynth.wav" 48000 WAV float)
scv=$(awk -v v="$voices" -v d="$seconds" -v t="$sct" 'BEGIN { printf "%.0f", v * d / t }')

echo "voices/core at 48 kHz, $voices voices, $seconds s, one thread:"
printf '  %-8s %8s\n' auralis "$auralis" faust "$faustv" csound "$csoundv" scsynth "$scv"
awk -v a="$auralis" -v f="$faustv" -v c="$csoundv" -v s="$scv" \
  'BEGIN { printf "  auralis/faust %.1fx, auralis/csound %.1fx, auralis/scsynth %.1fx\n", a / f, a / c, a / s }'
