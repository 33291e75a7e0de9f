#!/usr/bin/env bash
# Installs the peer engines the side-by-side voice benchmark compares against
# (bench/peers/run_side_by_side.sh). Debian 12 packages only; idempotent: a
# package already present is left alone, so re-running costs one dpkg query.
set -euo pipefail

packages=(supercollider-server faust csound python3)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "bench-deps: all present (${packages[*]})"
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bench-deps: installed ${missing[*]}"
