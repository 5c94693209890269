#!/bin/bash
# tests/bench/tui.sh - the wizard in a real terminal (tmux, 80x24):
#   1. time from start to the first full frame (the Home screen on the
#      terminal), over RUNS starts: the command is typed into an idle shell
#      and capture-pane is polled until the frame is there (so it includes
#      exec, libcurl/ncurses start-up and tmux's own rendering);
#   2. peak RSS over a whole flow against the harness's
#      daemon A: Home, Mode (checks of all six modes), Options (three
#      fields edited), Checks, Review, Run to a verified workspace, d
#      (down), quit.  The peak is ws-launch's own VmHWM (/proc/PID/status,
#      read just before quitting): /usr/bin/time's "maximum resident set"
#      would include the docker CLI children (Linux folds reaped
#      descendants into it), which are not the wizard's memory.
# Targets: first frame <= 50 ms, peak RSS <= 12 MiB.  Run by hand:
#   WS_BIN=build/ws-launch tests/bench/tui.sh      (starts its own harness
#   unless WS_PEERS_ENV is given)
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-20}
SOCK="wsl-bench-$$"
export TMUX_TMPDIR=$BTMP   # the tmux socket goes away with BTMP
TM=(tmux -L "$SOCK" -f /dev/null)
cleanup_tui() { "${TM[@]}" kill-server 2>/dev/null; rm -rf "$BTMP"; }
trap 'cleanup_tui; [ -n "$OWN_HARNESS" ] && { "$ROOT/tests/harness/down.sh" "$OWN_HARNESS" >/dev/null; rm -rf "$OWN_HARNESS"; }' EXIT
mkdir -p "$BTMP/bin"
ln -s /usr/bin/docker "$BTMP/bin/docker"
screen() { "${TM[@]}" capture-pane -p; }
wait_for() { # TEXT SECONDS
  local i
  for ((i = 0; i < ${2:-10} * 200; i++)); do
    case $(screen) in *"$1"*) return 0 ;; esac
    sleep 0.005
  done
  echo "timeout waiting for [$1]" >&2
  screen >&2
  return 1
}
select_row() { local i; for ((i = 0; i < 40; i++)); do case $(screen) in *"› $1"*) return 0 ;; esac; "${TM[@]}" send-keys Down; sleep 0.05; done; return 1; }
edit() { "${TM[@]}" send-keys Home; select_row "$1"; "${TM[@]}" send-keys Enter C-u; "${TM[@]}" send-keys -l -- "$2"; "${TM[@]}" send-keys Enter; sleep 0.1; }

ENVS="HISTFILE=/dev/null PATH=$BTMP/bin:/usr/bin:/bin HOME=$HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME DOCKER_CONFIG=$DOCKER_CONFIG DOCKER_HOST=$WSL_A_HOST WS_LAUNCH_REGISTRY=$WSL_REGISTRY_URL WS_LAUNCH_SYSBOX_DIR=$WSL_SYSBOX_RUN_DIR LANG=C.UTF-8 TERM=tmux-256color"
"${TM[@]}" new-session -d -x 80 -y 24 "env -i $ENVS bash --norc --noprofile"
"${TM[@]}" set -g status off >/dev/null
sleep 0.3

# ---- 1. first full frame ----
: >"$BTMP/frame"
for i in $(seq "$RUNS"); do
  "${TM[@]}" send-keys clear Enter
  sleep 0.1
  t0=$(date +%s%N)
  "${TM[@]}" send-keys "$WS_BIN" Enter
  wait_for "q quit" 5 || exit 1          # the key bar is the last thing drawn
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1000000}' >>"$BTMP/frame"
  "${TM[@]}" send-keys q
  for ((k = 0; k < 400; k++)); do case $(screen) in *"q quit"*) sleep 0.005 ;; *) break ;; esac; done
done
stats "start to first full frame (tmux)" "$BTMP/frame"
# the floor of the method: the same poll loop around a trivial command
: >"$BTMP/floor"
for i in $(seq "$RUNS"); do
  "${TM[@]}" send-keys clear Enter
  sleep 0.1
  t0=$(date +%s%N)
  "${TM[@]}" send-keys "echo q' 'quit" Enter
  wait_for "q quit" 5 || exit 1
  awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.3f\n", (b - a) / 1000000}' >>"$BTMP/floor"
done
stats "same for 'echo' (method floor)" "$BTMP/floor"

# ---- 2. peak RSS over a whole flow ----
N=bench$$
"${TM[@]}" send-keys clear Enter
"${TM[@]}" send-keys "$WS_BIN" Enter
wait_for "New launch" 5
pane_pid=$("${TM[@]}" display -p '#{pane_pid}')
pid=$(pgrep -P "$pane_pid" -n)
"${TM[@]}" send-keys Enter
wait_for "Recommended:" 30
"${TM[@]}" send-keys Home
select_row socket
"${TM[@]}" send-keys Enter
wait_for "Options for Host socket" 5
edit "Container name" "$N"
edit "Publish" "127.0.0.1:$WSL_FREE_PORT_4:8080"
edit "Workspace volume" "$N-ws"
"${TM[@]}" send-keys n
wait_for "0 failed" 30
"${TM[@]}" send-keys Enter
wait_for "Review: Host socket" 5
"${TM[@]}" send-keys Enter
wait_for "The workspace is running" 120
"${TM[@]}" send-keys d
wait_for "Take the launch down" 5
"${TM[@]}" send-keys y
wait_for "(volumes kept)" 60
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
"${TM[@]}" send-keys q
printf '%-34s peak RSS %s KiB (%.1f MiB)\n' "whole flow (socket, run, down)" "$rss" "$(awk -v r="$rss" 'BEGIN {print r / 1024}')"
/usr/bin/docker -H "$WSL_A_HOST" volume rm "$N-ws" >/dev/null 2>&1
