#!/usr/bin/env bash
# Side by side, in one run: Auralis serving N WebSocket Opus listeners, and a
# local icecast2 serving the same Ogg/Opus stream (fed by Auralis's Icecast
# source) to N HTTP listeners. Prints each one's CPU per listener and the ratio.
#
#   bench/listeners/run_side_by_side.sh [N=2000] [SECONDS=60] [BATCH_MS=0] [BUILD=build]
#
# icecast2's Ogg pages are as long as one WebSocket batch (BATCH_MS, or 100 ms
# when it is 0; PAGE_MS=... sets them apart), so both servers make the same
# number of writes per listener.
# LOADGEN_CPU=C runs the load generator on CPU C only, in both phases: on two
# cores its 2,000 sockets otherwise share a core (and its caches) with the
# server's own work, which taxes a server that has an engine to run (Auralis)
# and not one that sleeps between pages (icecast2); real listeners are elsewhere.
# AURALIS_SERVER_CPUS=C (server.cpus) keeps Auralis's network threads on CPU C
# and its engine on the others; ICECAST_CPU=C runs icecast2 on CPU C only (give
# both servers' senders the same place beside a pinned load generator).
# ROUNDS=K repeats the pair K times (fresh idle figures each round) and prints
# the median ratio. IDLE_SECONDS=S (default 10) sets each idle window. AUDIO_ONLY=1 subscribes the WebSocket listeners to audio alone (no
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
PIN=()
[ -n "${LOADGEN_CPU:-}" ] && PIN=(taskset -c "$LOADGEN_CPU")
ICE_PIN=()
[ -n "${ICECAST_CPU:-}" ] && ICE_PIN=(taskset -c "$ICECAST_CPU")
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
  setpriv --reuid=nobody --regid=nogroup --clear-groups "${ICE_PIN[@]}" icecast2 -c "$TMP/icecast.xml" \
    >"$TMP/icecast.out" 2>&1 &
else
  "${ICE_PIN[@]}" icecast2 -c "$TMP/icecast.xml" >"$TMP/icecast.out" 2>&1 &
fi
ICE_PID=$!
PIDS+=("$ICE_PID")

# Like for like: icecast2 sends a listener one Ogg page at a time, so its pages
# carry as much audio as one batched WebSocket message: batchMs in whole 20 ms
# Opus frames, at most the server's 8-frame send queue (docs/protocol.md,
# "Batched audio"); PAGE_MS overrides.
if [ "$BATCH_MS" -gt 0 ]; then
  EFFECTIVE=$(( (BATCH_MS + 10) / 20 )); [ "$EFFECTIVE" -lt 1 ] && EFFECTIVE=1; [ "$EFFECTIVE" -gt 8 ] && EFFECTIVE=8
  PAGE_MS=${PAGE_MS:-$(( EFFECTIVE * 20 ))}
else
  PAGE_MS=${PAGE_MS:-100}
fi
cat >"$TMP/auralis.toml" <<TOML
[icecast]
url = "http://127.0.0.1:$ICE_PORT/auralis.opus"
password = "$PASSWORD"
page_ms = $PAGE_MS
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

echo "== load generator: $([ -n "${LOADGEN_CPU:-}" ] && echo "pinned to CPU $LOADGEN_CPU" || echo "on any CPU");" \
  "icecast2: $([ -n "${ICECAST_CPU:-}" ] && echo "pinned to CPU $ICECAST_CPU" || echo "on any CPU");" \
  "Auralis's network threads (server.cpus): ${AURALIS_SERVER_CPUS:-any CPU}"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU with no listener at all: the engine, the ensemble, the encoder and the
# Icecast source cost this whatever the audience; the comparison is per listener
# on top of it.
idle_cpu() {
  # The scheduler's exact run time of every thread (schedstat), not 4 ms ticks.
  python3 "$ROOT/bench/threads/thread_cpu.py" "$1" "$2" --total
}
ROUNDS=${ROUNDS:-1}
for round in $(seq 1 "$ROUNDS"); do
  [ "$ROUNDS" -gt 1 ] && echo "== round $round of $ROUNDS"
  AUR_IDLE=$(idle_cpu "$AUR_PID" "${IDLE_SECONDS:-10}")
  ICE_IDLE=$(idle_cpu "$ICE_PID" 10)
  echo "== idle (no listeners): auralis $AUR_IDLE %, icecast2 $ICE_IDLE % of one core"
  echo "== Auralis: $N WebSocket Opus listeners, ${SECONDS_RUN}s, batchMs $BATCH_MS${AUDIO_ONLY:+, audio only}"
  "${PIN[@]}" "$LISTENERS" --port "$WEB_PORT" --clients "$N" --seconds "$SECONDS_RUN" --batch-ms "$BATCH_MS" \
    ${AUDIO_ONLY:+--audio-only} --pid "$AUR_PID" | tee "$TMP/auralis.result.$round"
  sleep 3
  # Auralis's idle figure moves with the machine's load (its engine, ensemble and
  # side-chains wake hundreds of times a second), and the per-listener figure
  # subtracts it: measure it again now that the listeners are gone and use the mean.
  AUR_IDLE2=$(idle_cpu "$AUR_PID" "${IDLE_SECONDS:-10}")
  AUR_IDLE=$(python3 -c "print('%.3f' % ((float('$AUR_IDLE') + float('$AUR_IDLE2')) / 2))")
  echo "== idle again (listeners gone): auralis $AUR_IDLE2 %; mean $AUR_IDLE %"
  echo "$AUR_IDLE $ICE_IDLE" >"$TMP/idle.$round"
  echo "== icecast2: $N HTTP listeners of the same Ogg/Opus stream (${PAGE_MS} ms pages), ${SECONDS_RUN}s"
  # Auralis keeps running (it feeds icecast2): its CPU over the same window shows
  # what a machine busy with listeners costs a process that has nothing to do with them.
  "${PIN[@]}" "$LISTENERS" --http "http://127.0.0.1:$ICE_PORT/auralis.opus" --clients "$N" \
    --seconds "$SECONDS_RUN" --pid "$ICE_PID" --watch-pid "$AUR_PID" | tee "$TMP/icecast.result.$round"
  sleep 3
done

python3 - "$TMP" "$ROUNDS" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
last = lambda f: json.loads(open(f).read().strip().splitlines()[-1])
def per100(r, idle):
    return (r["serverCpuPercent"] - idle) / r["clients"] * 100
ratios, netRatios, deployments = [], [], []
print("== side by side: CPU above idle, % of one core per 100 listeners")
for k in range(1, rounds + 1):
    a, i = last(f"{tmp}/auralis.result.{k}"), last(f"{tmp}/icecast.result.{k}")
    a_idle, i_idle = map(float, open(f"{tmp}/idle.{k}").read().split())
    pa, pi = per100(a, a_idle), per100(i, i_idle)
    net = a.get("serverThreads", {}).get("au-net", 0.0) / a["clients"] * 100
    print("   round %d: auralis %.3f (total %.1f %%, idle %.1f %%; its au-net threads alone %.3f), "
          "icecast2 %.3f (total %.1f %%)" % (k, pa, a["serverCpuPercent"], a_idle, net, pi,
                                            i["serverCpuPercent"]))
    print("            auralis: %d keeping up, gaps %d, skips %d, deadline misses %d; icecast2: %d keeping up; "
          "auralis while icecast2 served its listeners: %.1f %%"
          % (a["keepingUp"], a["gaps"], a["skips"], a["deadlineMisses"], i["keepingUp"],
             i.get("watchCpuPercent", -1)))
    if pi > 0:
        ratios.append(pa / pi)
        netRatios.append(net / pi)
        print("            ratio auralis/icecast2 = %.2f (au-net alone %.2f)" % (pa / pi, net / pi))
    # The deployment view, with no idle figure subtracted: the same listeners served
    # by Auralis itself, or by icecast2 with Auralis feeding it (both windows equally long).
    watch = i.get("watchCpuPercent", -1)
    if watch >= 0:
        both = watch + i["serverCpuPercent"]
        deployments.append(a["serverCpuPercent"] - both)
        print("            whole deployment: auralis alone %.1f %%, auralis feeding icecast2 + icecast2 %.1f %% "
              "(difference %+.1f %% of a core)" % (a["serverCpuPercent"], both, a["serverCpuPercent"] - both))
if len(ratios) > 1:
    print("== median ratio over %d rounds: %.2f (range %.2f-%.2f); au-net threads alone %.2f"
          % (len(ratios), statistics.median(ratios), min(ratios), max(ratios),
             statistics.median(netRatios)))
if len(deployments) > 1:
    print("== whole deployment, auralis alone minus auralis + icecast2: median %+.1f %% of a core "
          "(range %+.1f to %+.1f; %d of %d rounds below zero)"
          % (statistics.median(deployments), min(deployments), max(deployments),
             sum(1 for d in deployments if d < 0), len(deployments)))
PY
