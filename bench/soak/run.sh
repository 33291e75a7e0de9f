#!/usr/bin/env bash
# The long soak: the real server with listeners (PCM16 and Opus), control changes
# every 300 ms, an upload and its deletion every 5 s, lighting to loopback and a
# recording, for SOAK_SECONDS (default one hour). Samples RSS, fds and threads
# every second and prints one `soak:` line of figures (RSS slope after warm-up,
# fds, threads, deadline misses, frames and gaps per listener, acks, uploads,
# Art-Net packets), then pass/fail of the same bounds as the short version in
# the test suite (tests/integration/soak_test.py, which this runs).
#
#   SOAK_SECONDS=600 bench/soak/run.sh [BUILD=build]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=${BENCH_AURALIS_BIN:-$BUILD/src/app/auralis}
[ -x "$BIN" ] || { echo "missing $BIN (build the auralis target)" >&2; exit 1; }
# Debian's interpreter, where python3-websockets is installed (scripts/deps.sh).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
echo "soak: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(uname -sr), SOAK_SECONDS=${SOAK_SECONDS:-3600}"
cd "$ROOT/tests/integration"
TEST_SOAK_SECONDS=${SOAK_SECONDS:-3600} TEST_AURALIS_BIN=$BIN TEST_AURALIS_BINARY_DIR=$BUILD \
  PYTHONDONTWRITEBYTECODE=1 exec "$PY" -m unittest -v soak_test
