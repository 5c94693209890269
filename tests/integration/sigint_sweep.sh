#!/bin/bash
# Issue 10.3: Ctrl-C at any moment of `up` leaves nothing behind.  For each
# local mode, SIGINT goes to ws-launch's process group at 13 moments (WS_SWEEP_MOMENTS) spread
# over a launch's duration (52 in all, from the probes to the verification):
# each run either finished before the signal (exit 0; then `down` removes it)
# or was cancelled (exit 130) - and then nothing of the launch exists, by
# label or by name, and "rolled back" is said only when that is true.
# The four modes' sweeps run at the same time, each on its own port (their
# names never meet); each reports its counts in a file.
. "$(dirname "$0")/../lib/peers.sh"
MOMENTS=${WS_SWEEP_MOMENTS:-13}
n_total=0
# what exists under the launch's names, labelled or not
by_name() {
  local n=$1
  DK ps -a --filter "name=^/$n(-side)?$" --format '{{.Names}}'
  DK volume ls --format '{{.Name}}' | grep -E "^$n-(ws|dd|dc)$"
  DK network ls --format '{{.Name}}' | grep -E "^$n-net$"
}
sweep() {
  local mode=$1; shift
  local base t0 dur port cancelled=0
  port=$(free_port)
  base=$(uname_ "sw-$mode")
  local args=(--yes --offline --pull never --port "$port" --verify-timeout 60)
  case $mode in
    socket) args+=(--socket "$WSL_A_SOCK") ;;
    dind) args+=(--sidecar "$base-side" --network "$base-net" --data-volume "$base-dd" --certs-volume "$base-dc") ;;
  esac
  # how long a whole launch takes here
  t0=$(date +%s%N)
  "$WS_BIN" up "$mode" --name "$base" --volume "$base-ws" "${args[@]}" >/dev/null 2>&1 || bad "$mode: baseline up failed"
  dur=$(( ($(date +%s%N) - t0) / 1000000 ))
  "$WS_BIN" down --name "$base" --volumes >/dev/null 2>&1
  local i
  for ((i = 1; i <= MOMENTS; i++)); do
    local n=$base-$i at=$(( dur * i / (MOMENTS + 1) ))
    if [ "$mode" = dind ]; then
      args=(--yes --offline --pull never --port "$port" --verify-timeout 60 --sidecar "$n-side" --network "$n-net"
            --data-volume "$n-dd" --certs-volume "$n-dc")
    fi
    setsid "$WS_BIN" up "$mode" --name "$n" --volume "$n-ws" "${args[@]}" >"$T_TMP/out.$mode" 2>"$T_TMP/err.$mode" &
    local pid=$!
    sleep "$(awk -v ms="$at" 'BEGIN {printf "%.3f", ms / 1000}')"
    kill -INT -- "-$pid" 2>/dev/null
    wait "$pid"
    local rc=$?
    n_total=$((n_total + 1))
    if [ "$rc" -eq 0 ]; then
      ok   # finished before the signal: an ordinary launch
      "$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
    elif [ "$rc" -eq 130 ]; then
      ok
      cancelled=$((cancelled + 1))
      if grep -q "left:" "$T_TMP/err.$mode"; then
        bad "$mode at ${at} ms: cancelled with leftovers reported: $(grep 'left:' "$T_TMP/err.$mode")"
      else
        grep -q "rolled back\|cancelled" "$T_TMP/err.$mode" && ok || bad "$mode at ${at} ms: exit 130 without a word: $(tail -2 "$T_TMP/err.$mode")"
      fi
    else
      bad "$mode at ${at} ms: exit $rc: $(tail -3 "$T_TMP/err.$mode")"
    fi
    local left
    left=$( (labelled "$n"; by_name "$n") | sort -u)
    [ -z "$left" ] && ok || {
      bad "$mode at ${at} ms (exit $rc): left $(echo $left): $(tail -4 "$T_TMP/err.$mode" | tr '\n' ' ')"
      DK rm -f "$n" "$n-side" >/dev/null 2>&1; DK network rm "$n-net" >/dev/null 2>&1
      DK volume rm "$n-ws" "$n-dd" "$n-dc" >/dev/null 2>&1
    }
  done
  echo "$n_total $cancelled"
}
DK pull "$WSL_DIND_IMAGE" >/dev/null 2>&1 || bad "cannot pull $WSL_DIND_IMAGE through the mirror"
# each sweep in a subshell: its checks counted there, handed back in a file
for m in socket privileged sysbox dind; do
  ( p0=$T_PASS f0=$T_FAIL
    sweep "$m" >"$T_TMP/counts.$m"
    read -r n c <"$T_TMP/counts.$m"
    echo "$((T_PASS - p0)) $((T_FAIL - f0)) $n $c" >"$T_TMP/sweep.$m" ) &
done
wait
for m in socket privileged sysbox dind; do
  if ! read -r p f n c <"$T_TMP/sweep.$m"; then bad "$m: the sweep reported nothing"; continue; fi
  T_PASS=$((T_PASS + p)) T_FAIL=$((T_FAIL + f)) n_total=$((n_total + n))
  echo "$m: $c of $MOMENTS runs cancelled"
  # the moments must really fall inside launches: most runs were cancelled
  [ "$c" -ge $((MOMENTS / 2)) ] && ok || bad "$m: only $c of $MOMENTS runs were cancelled"
done
[ "$n_total" -eq $((4 * MOMENTS)) ] && ok || bad "only $n_total of $((4 * MOMENTS)) moments"
