#!/bin/bash
# tests/bench/check.sh - `ws-launch check socket` against `docker info` on the
# same test daemon: wall time over RUNS runs (median and spread), wall and
# CPU ratios, peak RSS and the private memory ws-launch made itself; the
# stripped binary's size; all six modes with one remote that never answers
# (total time should be that check's timeout, not the sum).
# Targets: check socket <= 0.5x docker info's wall time and <= 0.3x its CPU.
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-25}
echo "ws-launch: $WS_BIN; daemon: $DOCKER_HOST; $RUNS runs each"
"$WS_BIN" check socket --offline --json >/dev/null   # warm caches
/usr/bin/docker info >/dev/null
time_runs "$RUNS" "ws-launch check socket" "$WS_BIN" check socket --offline
time_runs "$RUNS" "docker info" /usr/bin/docker info
time_runs "$RUNS" "ws-launch check (all six)" "$WS_BIN" check --offline --host 127.0.0.1 --tcp-port "$WSL_B_TCP_PORT"
ratio "check socket / docker info" "$RUNS" "$WS_BIN" check socket --offline -- /usr/bin/docker info
peak_rss "ws-launch check socket" "$WS_BIN" check socket --offline
peak_rss "docker info" /usr/bin/docker info
private_mem "ws-launch check socket, memory at exit (KiB)" "$WS_BIN" check socket --offline
strip -o "$BTMP/ws-launch.stripped" "$WS_BIN"
printf '%-34s %d bytes (%s unstripped); text+data+bss %s\n' "stripped binary" \
  "$(stat -c %s "$BTMP/ws-launch.stripped")" "$(stat -c %s "$WS_BIN")" \
  "$(size "$BTMP/ws-launch.stripped" | awk 'NR == 2 {print $4}')"
t0=$(date +%s%N)
"$WS_BIN" check --offline --timeout 2 --host 127.0.0.1 --tcp-port "$WSL_BLACKHOLE_PORT" >/dev/null 2>&1
printf '%-34s %d ms (remote timeout 2000 ms)\n' "all six, tcp remote never answers" $(( ($(date +%s%N) - t0) / 1000000 ))
rm -rf "$BTMP"
