#!/bin/bash
# Issue 10.7: pull progress stays linear in the number of layers and bounded
# in memory, and Ctrl-C answers promptly during a pull.  A fake Engine API
# (tests/fake/pull-flood-engine.sh, over a unix socket) streams a pull of
# 150,000 distinct layers: ws-launch must get through it (the old per-event
# scan of every layer was quadratic: 32 s for 50,000), then a pull that never ends
# must stop on SIGINT, exit 130, promptly.
. "$(dirname "$0")/../lib/assert.sh"
needs socat socat
command -v socat >/dev/null || { bad "socat is not installed"; exit 1; }
FAKE=$(cd "$(dirname "$0")/../fake" && pwd)/pull-flood-engine.sh
SOCK=$T_TMP/flood.sock
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_CONFIG=$T_TMP/dc DOCKER_HOST=unix://$SOCK DOCKER_CONTEXT=
mkdir -p "$HOME" "$DOCKER_CONFIG"
start_fake() {
  socat UNIX-LISTEN:"$SOCK",fork EXEC:"bash $FAKE" 2>/dev/null &
  fake=$!
  for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
}
stop_fake() { kill "$fake" 2>/dev/null; wait "$fake" 2>/dev/null; rm -f "$SOCK"; }
trap 'stop_fake; t_cleanup' EXIT
args=(socket --socket "$SOCK" --group 0 --name floodws --no-volume --pull always --yes --force --offline
      --image 127.0.0.1:5999/flood/ws:v1)

# 1. 150,000 layers (tracked up to PULL_LAYERS_MAX): the pull step completes (then the run step fails: the fake runs nothing)
export WS_FLOOD_LAYERS=150000
start_fake
timeout 60 "$WS_BIN" up "${args[@]}" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
[ "$rc" -ne 124 ] && ok || bad "a 150,000-layer pull did not finish in 60 s (quadratic progress tracking takes minutes)"
grep -qE '\[1/2\] pull 127.0.0.1:5999/flood/ws:v1: done' "$T_TMP/err" && ok || bad "the pull did not complete: $(grep '\[1/2\]' "$T_TMP/err" | tail -2)"
stop_fake

# 2. a pull that never ends: SIGINT stops it, exit 130
export WS_FLOOD_LAYERS=1000 WS_FLOOD_HANG=1
start_fake
"$WS_BIN" up "${args[@]}" >"$T_TMP/out" 2>"$T_TMP/err" &
pid=$!
for _ in $(seq 200); do grep -q "pulling 127.0.0.1:5999/flood/ws:v1" "$T_TMP/err" 2>/dev/null && break; sleep 0.05; done
sleep 0.5
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "Ctrl-C during the pull answered in $ms ms"
[ "$rc" -eq 130 ] && ok || bad "SIGINT during a pull: exit $rc: $(tail -3 "$T_TMP/err")"
[ "$ms" -lt 1000 ] && ok || bad "SIGINT during a pull took $ms ms"
stop_fake
