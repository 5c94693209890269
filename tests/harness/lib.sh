# shellcheck shell=bash
# lib.sh -- helpers shared by up.sh, down.sh and selftest.sh (sourced, never executed).
# Everything the harness starts is recorded as "PID STARTTIME" under DIR/pids/ and stopped by that PID
# only; a PID whose start time no longer matches (recycled) is never signalled. No pkill/killall anywhere.

# Trap 7: a docker earlier in PATH (here /usr/local/bin/docker) is not Debian's client: always this one.
# shellcheck disable=SC2034  # used by the scripts that source this file
WSL_DK=/usr/bin/docker

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log()    { printf '[%s] %s\n' "${WSL_LOG_TAG:-harness}" "$*" >&2; }
warn()   { printf '[%s] WARNING: %s\n' "${WSL_LOG_TAG:-harness}" "$*" >&2; }

# pid_starttime PID -> field 22 of /proc/PID/stat (clock ticks since boot); empty when gone.
# The comm field may contain spaces, so cut everything up to the last ") " first.
pid_starttime() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086  # split into fields on purpose
  set -- $s
  echo "${20}"
}

# record_pid DIR NAME PID -- remember a process we started
record_pid() {
  local st
  mkdir -p "$1/pids"
  st=$(pid_starttime "$3") || st=0
  printf '%s %s\n' "$3" "$st" >"$1/pids/$2.pid"
}

# recorded_pid DIR NAME -> prints the PID if it is still the process we started
recorded_pid() {
  local f="$1/pids/$2.pid" pid st cur
  [ -f "$f" ] || return 1
  read -r pid st <"$f" || return 1
  [ -n "$pid" ] || return 1
  cur=$(pid_starttime "$pid") || return 1
  [ "$cur" = "$st" ] || return 1
  echo "$pid"
}

# descendants PID -> all descendant PIDs (children first is not guaranteed; caller signals all)
descendants() {
  ps -eo pid=,ppid= | awk -v root="$1" '
    { kids[$2] = kids[$2] " " $1 }
    END { n = split(kids[root], q, " "); i = 1
          while (i <= n) { p = q[i++]; print p; m = split(kids[p], c, " "); for (j = 1; j <= m; j++) q[++n] = c[j] } }'
}

# pid_running PID -- alive and not a zombie
pid_running() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  [ "${s%% *}" != Z ]
}

# session_members SID MIN_STARTTIME -- processes of session SID started no earlier than the leader was
# (a process started by setsid keeps its session even after the leader died and it was re-parented)
session_members() {
  local p st
  for p in $(ps -eo pid=,sid= | awk -v s="$1" '$2 == s {print $1}'); do
    [ "$p" = "$1" ] && continue   # the leader slot: only via the verified recorded PID
    st=$(pid_starttime "$p") || continue
    [ "$st" -ge "$2" ] && echo "$p"
  done
}

# stop_recorded DIR NAME [TIMEOUT_S] -- SIGTERM the recorded PID (if it is still the process we started),
# its descendants and the members of its session (forked socat children, the blackhole's sleeps, sshd
# sessions), wait bounded, then SIGKILL whatever is left. Never looks processes up by name.
stop_recorded() {
  local name=$2 tmo=${3:-10} f="$1/pids/$2.pid" pid st alive=0 procs i p left
  [ -f "$f" ] || return 0
  read -r pid st <"$f" || { rm -f "$f"; return 0; }
  if [ -z "${pid:-}" ] || [ -z "${st:-}" ]; then rm -f "$f"; return 0; fi
  [ "$(pid_starttime "$pid" 2>/dev/null)" = "$st" ] && alive=1
  procs=$( { [ "$alive" = 1 ] && { echo "$pid"; descendants "$pid"; }; session_members "$pid" "$st"; } | sort -un)
  [ -n "$procs" ] || { rm -f "$f"; return 0; }
  # shellcheck disable=SC2086  # a list of PIDs
  kill -TERM $procs 2>/dev/null
  for ((i = 0; i < tmo * 10; i++)); do
    left=""
    for p in $procs; do pid_running "$p" && left="$left $p"; done
    [ -z "$left" ] && break
    sleep 0.1
  done
  if [ -n "$left" ]; then
    warn "$name: still running after SIGTERM + ${tmo}s:$left -> SIGKILL"
    # shellcheck disable=SC2086  # a list of PIDs
    kill -KILL $left 2>/dev/null
    sleep 0.3
  fi
  rm -f "$f"
  return 0
}

port_free()      { ! ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
port_listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
ping_sock()      { curl -sf --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

# wait_until TIMEOUT_S CMD... -- poll every 0.1 s, bounded
wait_until() {
  local tmo=$1 i; shift
  for ((i = 0; i < tmo * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
