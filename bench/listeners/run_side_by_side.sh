#!/usr/bin/env bash
# Side by side, in one run: Auralis serving N WebSocket Opus listeners, and a
# local icecast2 serving the same Ogg/Opus stream (fed by Auralis's Icecast
# source) to N HTTP listeners. Prints each one's CPU per listener and the ratio.
#
#   bench/listeners/run_side_by_side.sh [N=2000] [SECONDS=60] [BATCH_MS=0] [BUILD=build]
#
# AUDIO_ONLY=1 subscribes the WebSocket listeners to audio alone (no
# generation_update or status text), which is what an Icecast listener gets.
#
# The two loads run one after the other against the same running processes (so
# the load generator never competes with itself); both servers stay up for the
# whole run. Needs icecast2 (scripts/deps.sh) and the `listeners` bench target.
set -euo pipefail

N=${1:-2000}
SECONDS_RUN=${2:-60}
BATCH_MS=${3:-0}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${4:-$ROOT/build}
AURALIS=${BENCH_AURALIS_BIN:-$BUILD/src/app/auralis}
LISTENERS=$BUILD/bench/listeners
for f in "$AURALIS" "$LISTENERS"; do
  [ -x "$f" ] || { echo "missing $f (build the auralis and listeners targets)" >&2; exit 1; }
done
command -v icecast2 >/dev/null || { echo "icecast2 is not installed (scripts/deps.sh)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" || true

TMP=$(mktemp -d /tmp/auralis-side-by-side.XXXXXX)
chmod 777 "$TMP"
mkdir -p "$TMP/log" "$TMP/web" "$TMP/data"
chmod 777 "$TMP/log" "$TMP/web"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ICE_PORT=$(free_port)
WEB_PORT=$(free_port)
PASSWORD="side-by-side-$$"
cat >"$TMP/icecast.xml" <<XML
<icecast>
  <location>loopback</location><admin>bench@localhost</admin>
  <limits><clients>$((N + 100))</clients><sources>2</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout><burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size></limits>
  <authentication><source-password>$PASSWORD</source-password>
    <admin-user>admin</admin-user><admin-password>$PASSWORD</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$ICE_PORT</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths><basedir>$TMP</basedir><logdir>$TMP/log</logdir><webroot>$TMP/web</webroot>
    <adminroot>$TMP/web</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
</icecast>
XML
chmod 644 "$TMP/icecast.xml"
if [ "$(id -u)" -eq 0 ]; then
  # icecast2 refuses to run as root; the raised descriptor limit is inherited.
  setpriv --reuid=nobody --regid=nogroup --clear-groups icecast2 -c "$TMP/icecast.xml" \
    >"$TMP/icecast.out" 2>&1 &
else
  icecast2 -c "$TMP/icecast.xml" >"$TMP/icecast.out" 2>&1 &
fi
ICE_PID=$!
PIDS+=("$ICE_PID")

cat >"$TMP/auralis.toml" <<TOML
[icecast]
url = "http://127.0.0.1:$ICE_PORT/auralis.opus"
password = "$PASSWORD"
TOML
"$AURALIS" --config "$TMP/auralis.toml" serve --port "$WEB_PORT" --data-dir "$TMP/data" \
  --max-clients $((N + 100)) >"$TMP/auralis.out" 2>"$TMP/auralis.err" &
AUR_PID=$!
PIDS+=("$AUR_PID")

metric() { curl -s "http://127.0.0.1:$WEB_PORT/metrics" | awk -v m="$1" '$1==m {print $2}'; }
for _ in $(seq 1 120); do
  [ "$(metric auralis_icecast_connected 2>/dev/null)" = "1" ] && break
  sleep 0.5
done
[ "$(metric auralis_icecast_connected)" = "1" ] || { echo "the Icecast source did not connect" >&2; tail "$TMP/auralis.err" >&2; exit 1; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU with no listener at all: the engine, the ensemble, the encoder and the
# Icecast source cost this whatever the audience; the comparison is per listener
# on top of it.
idle_cpu() {
  python3 - "$1" "$2" <<'PY'
import os, sys, time
pid, secs = sys.argv[1], float(sys.argv[2])
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c0, t0 = cpu(), time.monotonic()
time.sleep(secs)
print("%.3f" % ((cpu() - c0) / (time.monotonic() - t0) * 100))
PY
}
AUR_IDLE=$(idle_cpu "$AUR_PID" 10)
ICE_IDLE=$(idle_cpu "$ICE_PID" 10)
echo "== idle (no listeners): auralis $AUR_IDLE %, icecast2 $ICE_IDLE % of one core"
echo "== Auralis: $N WebSocket Opus listeners, ${SECONDS_RUN}s, batchMs $BATCH_MS${AUDIO_ONLY:+, audio only}"
"$LISTENERS" --port "$WEB_PORT" --clients "$N" --seconds "$SECONDS_RUN" --batch-ms "$BATCH_MS" \
  ${AUDIO_ONLY:+--audio-only} --pid "$AUR_PID" | tee "$TMP/auralis.result"
sleep 3
# Auralis's idle figure moves with the machine's load (its engine, ensemble and
# side-chains wake hundreds of times a second), and the per-listener figure
# subtracts it: measure it again now that the listeners are gone and use the mean.
AUR_IDLE2=$(idle_cpu "$AUR_PID" 10)
AUR_IDLE=$(python3 -c "print('%.3f' % ((float('$AUR_IDLE') + float('$AUR_IDLE2')) / 2))")
echo "== idle again (listeners gone): auralis $AUR_IDLE2 %; mean $AUR_IDLE %"
echo "== icecast2: $N HTTP listeners of the same Ogg/Opus stream, ${SECONDS_RUN}s"
"$LISTENERS" --http "http://127.0.0.1:$ICE_PORT/auralis.opus" --clients "$N" \
  --seconds "$SECONDS_RUN" --pid "$ICE_PID" | tee "$TMP/icecast.result"

python3 - "$TMP/auralis.result" "$TMP/icecast.result" "$AUR_IDLE" "$ICE_IDLE" <<'PY'
import json, sys
a = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
i = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
a_idle, i_idle = float(sys.argv[3]), float(sys.argv[4])
def per100(r, idle):
    return (r["serverCpuPercent"] - idle) / r["clients"] * 100
pa, pi = per100(a, a_idle), per100(i, i_idle)
print("== side by side: CPU above idle, % of one core per 100 listeners")
print("   auralis  %.3f  (total %.1f %%, %d keeping up, gaps %d, skips %d, deadline misses %d)"
      % (pa, a["serverCpuPercent"], a["keepingUp"], a["gaps"], a["skips"], a["deadlineMisses"]))
print("   icecast2 %.3f  (total %.1f %%, %d keeping up)" % (pi, i["serverCpuPercent"], i["keepingUp"]))
if pi > 0:
    print("   ratio auralis/icecast2 = %.2f" % (pa / pi))
PY
