#!/usr/bin/env bash
# Installs every Debian 12 package Auralis needs to build, run and test.
# Idempotent and non-interactive: packages already present are skipped, so a
# second run costs one dpkg query.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  clang-22 libclang-rt-22-dev
  # libraries
  libboost-dev libjack-jackd2-dev librtaudio-dev libsndfile1-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libopus-dev libopusenc-dev libfluidsynth-dev fluid-soundfont-gm libebur128-dev
  libsamplerate0-dev libsqlite3-dev libkissfft-dev liblo-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us  # src/voice
  librtmidi-dev liblo-tools python3-mido
  # tests and benchmarks
  doctest-dev libbenchmark-dev jackd2 sox python3
  fluidsynth aubio-tools  # analysis accuracy tests and bench/analysis (fluidsynth renders, aubio compares)
  python3-websockets python3-numpy python3-jsonschema  # tests/integration/server_test.py
  espeak-ng  # speech for the voice tests
  prometheus nginx-light
  tshark  # dissects Art-Net and sACN in the lighting tests
  libogg-dev icecast2 opus-tools
  liburing-dev  # the fan-out sends a batch to many listeners in one io_uring submission
  libssl-dev libavformat-dev libavcodec-dev libswresample-dev libavutil-dev ffmpeg  # uploads
  chromium  # the web page's browser tests (tests/browser)
  firefox-esr pulseaudio  # the browser tests in Firefox (pulseaudio: a null sink to play into)
  pulseaudio-utils  # parec: the room test records the browsers' sinks
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The web page builds with node and npm (web/): Debian's nodejs + npm unless a
# node with its own npm is already installed (checked by command, not package).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]} == 0)); then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "deps: installing ${missing[*]}"
# jackd2 asks whether to enable real-time priority; answer it up front.
echo "jackd2 jackd/tweak_rt_limits boolean false" | $SUDO debconf-set-selections
# tshark asks whether non-root users may capture; the tests capture as root.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
