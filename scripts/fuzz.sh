#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, docs/fuzzing.md) in build-fuzz with clang-22
# and runs each for SECONDS (default 15) on a copy of its seed corpus, two at a time.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Fails when any target crashes, leaks, trips UBSan or breaks an invariant, and
# prints the reproducer. FUZZ_DIR (default build-fuzz) and FUZZ_JOBS (targets run
# at once, default 2: one per core here) may be set.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
shift || true
dir=${FUZZ_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-2}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DAURALIS_FUZZ=ON \
  -DAURALIS_TESTS=OFF -DAURALIS_BENCH=OFF -DAURALIS_APPS=OFF >/dev/null || exit 1
ninja -C "$dir" fuzz_all || { echo "fuzz.sh: build failed" >&2; exit 1; }

# name max_len, one per line, written by cmake/AuralisFuzz.cmake.
mapfile -t lines <"$dir/fuzz_targets.txt"
if (($# > 0)); then
  wanted=" $* "
  selected=()
  for l in "${lines[@]}"; do [[ $wanted == *" ${l%% *} "* ]] && selected+=("$l"); done
  lines=("${selected[@]}")
fi
run_root="$dir/fuzz-runs"
rm -rf "$run_root"
mkdir -p "$run_root"

# run_one NAME MAX_LEN: fuzzes a copy of the seeds; the repo's corpus is only read.
run_one() {
  local name=$1 max_len=$2
  local work="$run_root/$name"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "fuzz/corpus/$name/." "$work/corpus/" 2>/dev/null || true
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$dir/fuzz/fuzz_$name" "$work/corpus" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$work/log" 2>&1
  local rc=$?
  local execs
  execs=$(grep -E '^stat::number_of_executed_units' "$work/log" | awk '{print $2}')
  if ((rc != 0)); then
    echo "FAIL $name (exit $rc); log: $work/log"
    grep -E 'ERROR: |runtime error|fuzz invariant|SUMMARY' "$work/log" | head -5
    for a in "$work"/artifacts/*; do
      [[ -e $a ]] && echo "  reproducer: $a  (run: $dir/fuzz/fuzz_$name $a)"
    done
    return 1
  fi
  echo "ok   $name: ${execs:-?} runs in ${seconds}s"
}

failed=0
running=0
for l in "${lines[@]}"; do
  # shellcheck disable=SC2086  # "name max_len" splits into the two arguments
  run_one $l &
  ((++running))
  if ((running >= jobs)); then
    wait -n || failed=$((failed + 1))
    ((--running))
  fi
done
while ((running > 0)); do
  wait -n || failed=$((failed + 1))
  ((--running))
done
echo "fuzz: ${#lines[@]} targets, $failed failed (${seconds}s each)"
((failed == 0))
