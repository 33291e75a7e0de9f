#!/usr/bin/env bash
# Configures and builds one variant of Auralis with CMake + Ninja (+ ccache).
#   scripts/build.sh [DIR] [extra cmake args...]     default DIR: build
# BUILD_TARGETS="a b" builds only those targets (default: everything).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
ccache --max-size=5G >/dev/null 2>&1 || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# shellcheck disable=SC2086
ninja -C "$dir" ${BUILD_TARGETS:-}
