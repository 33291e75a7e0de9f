#!/usr/bin/env bash
# The Quick start's second command: installs what is missing, builds, and runs
# the whole test suite through ctest, in four builds:
#   build        RelWithDebInfo, allocation guard on: unit, real-time, integration
#   build-asan   AddressSanitizer + UndefinedBehaviorSanitizer: unit and integration
#   build-tsan   ThreadSanitizer: the threaded parts (rings, engine, backends, ensemble runner,
#                server, broadcaster, lighting frame loop)
#   build-rtsan  clang-22 RealtimeSanitizer: the real-time tests, render path [[clang::nonblocking]]
#   build-fuzz   clang-22 libFuzzer: every outside-input parser, AURALIS_FUZZ_SECONDS (10) each
# Prints each ctest summary, then one closing line with the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
bash scripts/web-build.sh || exit 1  # npm ci + web/dist for the browser tests
jobs=$(nproc)
passed=0
failed=0
status=0

# run_ctest DIR [ctest args...]: runs ctest and adds its counts to the totals.
run_ctest() {
  local dir=$1
  shift
  local log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@") | tee "$log"
  local line
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
  if [[ -z "$line" ]]; then
    echo "test.sh: no ctest summary from $dir" >&2
    status=1
  else
    local total fail
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    fail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - fail))
    failed=$((failed + fail))
    ((fail == 0)) || status=1
  fi
  rm -f "$log"
}

build() {
  echo "=== build: $1 (at ${SECONDS}s)"
  bash scripts/build.sh "$@" || { echo "test.sh: build $1 failed" >&2; status=1; return 1; }
}

threaded='^(core|engine|io|ensemble|stream|control|net|lighting|rt):'
if BUILD_TARGETS="test_core test_engine test_io test_ensemble test_stream test_control test_net test_lighting test_rt" \
    build build-tsan -DAURALIS_SANITIZE=thread -DAURALIS_APPS=OFF -DAURALIS_BENCH=OFF; then
  # libjack is not instrumented: its threads would be false reports, so the
  # JACK test runs in the other builds.
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
    run_ctest build-tsan -R "$threaded" -E jack
fi
if BUILD_TARGETS="test_rt test_engine" build build-rtsan -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DAURALIS_SANITIZE=realtime -DAURALIS_APPS=OFF -DAURALIS_BENCH=OFF; then
  RTSAN_OPTIONS="halt_on_error=true" run_ctest build-rtsan -R '^(rt|engine):'
fi
# libFuzzer: every parser that takes outside input, a short run each (docs/fuzzing.md).
echo "=== fuzz: build-fuzz (at ${SECONDS}s)"
fuzz_log=$(mktemp)
bash scripts/fuzz.sh "${AURALIS_FUZZ_SECONDS:-10}" | tee "$fuzz_log"
fuzz_line=$(grep -E '^fuzz: [0-9]+ targets, [0-9]+ failed' "$fuzz_log" | tail -1)
if [[ -z "$fuzz_line" ]]; then
  echo "test.sh: fuzz stage did not finish" >&2
  status=1
else
  fuzz_total=$(sed -E 's/^fuzz: ([0-9]+) targets.*/\1/' <<<"$fuzz_line")
  fuzz_failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$fuzz_line")
  passed=$((passed + fuzz_total - fuzz_failed))
  failed=$((failed + fuzz_failed))
  ((fuzz_failed == 0)) || status=1
fi
rm -f "$fuzz_log"
if build build-asan -DAURALIS_SANITIZE=address,undefined -DAURALIS_BENCH=OFF; then
  # Figures that need full speed (frame timing, 50 listeners without a deadline
  # miss, accuracy over minutes of audio) are proven by the plain build; under
  # ASan the same code paths still run in the shorter tests.
  timed='sixteen_universes|fifty_listeners|held_out_accuracy|AnalyzeAccuracy|VoiceCommands|Prometheus|icecast_restart'
  timed="$timed|replays_bit_identically"  # under ASan the recorder can fall behind: a gap is (rightly) unreplayable
  timed="$timed|Soak"  # RSS slope, deadline misses and gapless listeners need full speed
  timed="$timed|ten minutes"  # ten rendered minutes each: the same code runs in the shorter renders
  # A 64-frame JACK graph under ASan is one long xrun, and libjack once aborted
  # ("terminate called") while closing its clients in it; the latency it
  # measures needs full speed anyway (the plain and RTSan builds run it).
  timed="$timed|a click is answered within one block"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" run_ctest build-asan -E "$timed"
fi
if build build; then
  run_ctest build
fi

echo
echo "test.sh: finished in ${SECONDS}s"
echo "auralis: $passed passed, $failed failed"
exit $status
