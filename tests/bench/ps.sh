#!/bin/bash
# tests/bench/ps.sh - `ws-launch ps` over 20 launches on the harness's daemon
# A, with the docker-inside probes and without (--no-probe), next to
# `docker ps --filter label=ws-launch.launch` on the same daemon; all
# --offline (no registry).  RUNS runs each, medians.
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-10}
N=${N:-20}
echo "creating $N launches (socket mode, unpublished)..."
for i in $(seq "$N"); do
  "$WS_BIN" up socket --name "bps$i" --volume "bps$i-ws" --no-publish --socket "$WSL_A_SOCK" --pull never --yes \
    --offline >/dev/null 2>&1 || echo "up bps$i failed"
done
time_runs "$RUNS" "ws-launch ps ($N launches, probes)" "$WS_BIN" ps --offline
time_runs "$RUNS" "ws-launch ps --no-probe" "$WS_BIN" ps --offline --no-probe
time_runs "$RUNS" "docker ps --filter label=..." /usr/bin/docker ps -a --filter label=ws-launch.launch
for i in $(seq "$N"); do "$WS_BIN" down --name "bps$i" --volumes >/dev/null 2>&1; done
rm -rf "$BTMP"
