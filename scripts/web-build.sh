#!/usr/bin/env bash
# Builds the web page (web/ -> web/dist, which the server serves): installs the
# locked npm packages when web/node_modules is missing or older than
# web/package-lock.json, then bundles with esbuild when a source changed.
# Called by scripts/serve.sh and scripts/test.sh; run it alone after editing web/src.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.package-lock.json  # npm writes it on every install
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs --if-stale
