#!/bin/bash
# tests/bench/up.sh - `ws-launch up socket --yes` + `down` against running the
# printed commands by hand on the same daemon (RUNS runs each).  Target:
# overhead <= 10% plus the check time.
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-10}
port=$WSL_FREE_PORT_1
name=bench-ws
args=(socket --name "$name" --volume bench-vol --port "$port" --socket "$WSL_A_SOCK" --pull never)
"$WS_BIN" print "${args[@]}" 2>/dev/null > "$BTMP/plan.sh"
echo "plan:"; sed 's/^/  /' "$BTMP/plan.sh"
by_hand() {
  # the printed commands, then the same checks a careful user would do by hand
  bash "$BTMP/plan.sh" >/dev/null 2>&1
  for _ in $(seq 100); do /usr/bin/docker exec "$name" docker version >/dev/null 2>&1 && break; sleep 0.1; done
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
  /usr/bin/docker rm -f "$name" >/dev/null; /usr/bin/docker volume rm bench-vol >/dev/null
}
with_ws() {
  "$WS_BIN" up "${args[@]}" --yes --offline >/dev/null 2>&1
  "$WS_BIN" down --name "$name" --volumes >/dev/null 2>&1
}
time_runs "$RUNS" "printed commands by hand (+verify)" by_hand
time_runs "$RUNS" "ws-launch up --yes + down" with_ws
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
awk -v h="$(median "$BTMP/printed commands by hand (+verify)")" -v w="$(median "$BTMP/ws-launch up --yes + down")" \
  'BEGIN {printf "%-34s %+.1f %% (target <= 10 %%)\n", "up + down overhead vs by hand", (w - h) * 100 / h}'
time_runs "$RUNS" "ws-launch check socket" "$WS_BIN" check socket --offline --socket "$WSL_A_SOCK"
# /usr/bin/time's peak RSS of `up` is the docker CLI children's (Linux
# folds reaped children into it); ws-launch's own memory is read at its exit.
peak_rss "ws-launch up --yes (with children)" "$WS_BIN" up "${args[@]}" --yes --offline
"$WS_BIN" down --name "$name" --volumes >/dev/null 2>&1
private_mem "ws-launch up --yes, its own memory at exit (KiB)" "$WS_BIN" up "${args[@]}" --yes --offline
"$WS_BIN" down --name "$name" --volumes >/dev/null 2>&1
rm -rf "$BTMP"
