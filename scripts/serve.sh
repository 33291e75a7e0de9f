#!/usr/bin/env bash
# The Quick start's first command: install what is missing, build, and run the
# server with embedded defaults (clock backend, data directory created on first
# run). Extra arguments go to `auralis serve` (e.g. --port 8001, --backend jack).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/web-build.sh  # the page at / (web/dist)
bash scripts/build.sh build >/dev/null
exec ./build/src/app/auralis serve "$@"
