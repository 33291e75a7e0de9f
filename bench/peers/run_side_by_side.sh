#!/usr/bin/env bash
# Side-by-side voices/core: Auralis against Faust and Csound rendering the same
# patch (two detuned band-limited saws -> resonant low-pass -> ADSR -> pan) at
# 48 kHz on one thread, same voice count and duration.
# Usage: bench/peers/run_side_by_side.sh [voices=512] [seconds=10]
# scsynth (SuperCollider NRT) is installed by bench-deps.sh but not yet driven:
# the SynthDef must be written as a binary file without sclang (not done yet).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
voices=${1:-512}
seconds=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/scripts/bench-deps.sh" >/dev/null

# Auralis: the CMake target if built, else a direct build with the project's flags.
bin="$root/build/bench/voices_per_core"
if [[ ! -x $bin ]]; then
  g++ -std=c++20 -O2 -DNDEBUG -I"$root/src" -o "$work/voices_per_core" \
    "$root/bench/voices/voices_per_core.cpp" "$root/src/dsp/saw_bank.cpp"
  bin="$work/voices_per_core"
fi
auralis=$("$bin" "$voices" "$seconds" 3 | sed -n 's/.*voices\/core \([0-9]*\).*/\1/p')

faust -lang cpp -cn FaustVoice -scn dsp "$root/bench/peers/voices.dsp" -o "$work/faust_voice.h"
g++ -std=c++17 -O2 -I"$work" -o "$work/faust_voices" "$root/bench/peers/faust_voices.cpp"
faustv=$("$work/faust_voices" "$voices" "$seconds" | sed -n 's/.*voices\/core \([0-9]*\).*/\1/p')

start=$(date +%s.%N)
csound --omacro:VOICES="$voices" --omacro:DUR="$seconds" "$root/bench/peers/voices.csd" \
  >"$work/csound.log" 2>&1
end=$(date +%s.%N)
csoundv=$(awk -v v="$voices" -v d="$seconds" -v s="$start" -v e="$end" \
  'BEGIN { printf "%.0f", v * d / (e - s) }')

echo "voices/core at 48 kHz, $voices voices, $seconds s, one thread:"
printf '  %-8s %8s\n' auralis "$auralis" faust "$faustv" csound "$csoundv"
awk -v a="$auralis" -v f="$faustv" -v c="$csoundv" \
  'BEGIN { printf "  auralis/faust %.1fx, auralis/csound %.1fx (scsynth: not run)\n", a / f, a / c }'
