#!/bin/bash
# Issue 23 (2-4): the day-two commands a script relies on, against daemon A -
# `shell -- CMD` (one command as the workspace's user in /workspace, no TTY,
# stdout/stderr/exit status passed through), `ps` on a registry it cannot
# reach (NEWER '?', newer_error in --json against its schema, one line on
# stderr; --offline silent), `start` of a running launch and `stop` of a
# stopped one, and `stop --time` / `down --time` on an image that ignores
# SIGTERM (made here from the stand-in and removed at the end).
. "$(dirname "$0")/../lib/peers.sh"
a=$(uname_ dsa) c=$(uname_ dsc)
img="ws-launch-test/noterm-$(uname_ img):v1"
J=$T_TMP/ps.json
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
field() { jq -r --arg n "$1" ".[] | select(.name == \$n) | .$2" "$J"; }
# a port nothing on this host listens on (the daemon publishes on this host)
ms() { date +%s%3N; }
cleanup() {
  "$WS_BIN" down --name "$a" --volumes >/dev/null 2>&1
  "$WS_BIN" down --name "$c" --volumes >/dev/null 2>&1
  DK rm -f "$c-mk" >/dev/null 2>&1
  DK rmi "$img" >/dev/null 2>&1
  t_cleanup
}
trap cleanup EXIT
pa=$(free_port)
"$WS_BIN" up socket --name "$a" --volume "$a-ws" --port "$pa" --socket "$WSL_A_SOCK" --pull never --yes --offline \
  >/dev/null 2>"$T_TMP/up.err" && ok || bad "up $a: $(cat "$T_TMP/up.err")"

# ---- shell -- CMD -----------------------------------------------------------------
"$WS_BIN" shell --name "$a" -- sh -c 'id -u; exit 7' </dev/null >"$T_TMP/sh.out" 2>"$T_TMP/sh.err"
eq "$?" 7 "shell -- CMD: the command's exit status"
eq "$(cat "$T_TMP/sh.out")" "$(DK exec "$a" id -u)" "shell -- CMD: runs as the workspace's user"
"$WS_BIN" shell --name "$a" -- sh -c 'pwd; [ -t 0 ] || echo no-tty; echo to-stderr >&2' </dev/null \
  >"$T_TMP/sh.out" 2>"$T_TMP/sh.err"
eq "$?" 0 "shell -- CMD: exit 0"
eq "$(tr '\n' ' ' <"$T_TMP/sh.out")" "/workspace no-tty " "shell -- CMD: in /workspace, no TTY with stdin not a terminal"
eq "$(cat "$T_TMP/sh.err")" "to-stderr" "shell -- CMD: stderr passed through, apart from stdout"
eq "$(printf 'in\n' | "$WS_BIN" shell --name "$a" -- printf '%s|' "a b" '$HOME' --name 2>&1)" 'a b|$HOME|--name|' \
  "shell -- CMD: words passed as they are (no shell, no flags after --)"
eq "$(printf 'piped\n' | "$WS_BIN" shell --name "$a" -- cat 2>&1)" piped "shell -- CMD: stdin passed through"
"$WS_BIN" shell --name "$a" -- </dev/null >/dev/null 2>"$T_TMP/sh.err"
eq "$?" 2 "shell -- without a command"
grep -q "nothing after '--'" "$T_TMP/sh.err" && ok || bad "shell --: $(cat "$T_TMP/sh.err")"

# ---- ps on a registry it cannot reach -----------------------------------------------
WS_LAUNCH_REGISTRY=http://127.0.0.1:1 "$WS_BIN" ps --json --no-probe >"$J" 2>"$T_TMP/ps.err"
eq "$?" 0 "ps --json, registry unreachable"
schema_ok ps.schema.json "$J" "ps --json (registry unreachable)"
eq "$(field "$a" newer_tag)" null "ps: no newer_tag when the registry cannot be asked"
[ -n "$(field "$a" newer_error | grep -v '^null$')" ] && ok || bad "ps: no newer_error: $(cat "$J")"
eq "$(wc -l <"$T_TMP/ps.err")" 1 "ps: one line on stderr says why ($(cat "$T_TMP/ps.err"))"
grep -q "127.0.0.1:1" "$T_TMP/ps.err" && ok || bad "ps: the stderr line names the registry: $(cat "$T_TMP/ps.err")"
WS_LAUNCH_REGISTRY=http://127.0.0.1:1 "$WS_BIN" ps --no-probe >"$T_TMP/ps.txt" 2>/dev/null
grep -qE "^$a .* \?$" "$T_TMP/ps.txt" && ok || bad "ps table: NEWER is not '?': $(cat "$T_TMP/ps.txt")"
WS_LAUNCH_REGISTRY=http://127.0.0.1:1 "$WS_BIN" ps --json --no-probe --offline >"$J" 2>"$T_TMP/ps.err"
schema_ok ps.schema.json "$J" "ps --json --offline"
eq "$(field "$a" newer_error)" null "ps --offline: no lookup, no error"
eq "$(cat "$T_TMP/ps.err")" "" "ps --offline: silent"
WS_LAUNCH_REGISTRY=$WSL_REGISTRY_URL "$WS_BIN" ps --json --no-probe >"$J" 2>"$T_TMP/ps.err"
eq "$(field "$a" newer_error)" null "ps: a registry that answers leaves no newer_error"
"$WS_BIN" ps --timeout 0 >/dev/null 2>&1
eq "$?" 2 "ps --timeout 0"

# ---- start of a running launch, stop of a stopped one --------------------------------------
for i in 1 2; do
  "$WS_BIN" start --name "$a" >"$T_TMP/start.out" 2>"$T_TMP/start.err"
  eq "$?" 0 "start of a running launch ($i)"
  eq "$(cat "$T_TMP/start.out")" "workspace $a is already running: http://127.0.0.1:$pa/" "start of a running launch ($i)"
done
"$WS_BIN" stop --name "$a" >/dev/null 2>&1 && ok || bad "stop"
"$WS_BIN" stop --name "$a" >"$T_TMP/stop.out" 2>&1
eq "$?" 0 "stop of a stopped launch"
grep -q "^workspace $a is already stopped" "$T_TMP/stop.out" && ok || bad "stop of a stopped launch: $(cat "$T_TMP/stop.out")"
"$WS_BIN" stop --name "$a" --time x >/dev/null 2>"$T_TMP/stop.err"
eq "$?" 2 "stop --time x"
grep -q -- "--time" "$T_TMP/stop.err" && ok || bad "stop --time x names the flag: $(cat "$T_TMP/stop.err")"

# ---- stop --time / down --time on an image that ignores SIGTERM -----------------------------
# The entrypoint starts with SIGTERM ignored: a shell cannot trap a signal
# ignored on entry, so the stand-in's own trap never runs; only SIGKILL ends it.
DK create --name "$c-mk" "$WSL_WS_IMAGE" >/dev/null
DK commit --change 'ENTRYPOINT ["/usr/bin/docker-init", "--", "/bin/sh", "-c", "trap \"\" TERM; exec /usr/local/bin/ws-entrypoint"]' \
  "$c-mk" "$img" >/dev/null && ok || bad "commit the TERM-ignoring image"
DK rm -f "$c-mk" >/dev/null
pc=$(free_port)
"$WS_BIN" up socket --name "$c" --image "$img" --volume "$c-ws" --port "$pc" --socket "$WSL_A_SOCK" --pull never \
  --yes --offline >/dev/null 2>"$T_TMP/up.err" && ok || bad "up $c: $(cat "$T_TMP/up.err")"
t0=$(ms)
"$WS_BIN" stop --name "$c" --time 1 >/dev/null 2>"$T_TMP/stop.err" && ok || bad "stop --time 1: $(cat "$T_TMP/stop.err")"
el=$(($(ms) - t0))
[ "$el" -lt 5000 ] && ok || bad "stop --time 1 took $el ms (want < 5 s)"
eq "$(DK inspect -f '{{.State.Running}} {{.State.ExitCode}}' "$c")" "false 137" \
  "stop --time 1: SIGTERM ignored, killed after the grace period"
"$WS_BIN" start --name "$c" --verify-timeout 60 >/dev/null 2>"$T_TMP/start.err" && ok || bad "start $c: $(cat "$T_TMP/start.err")"
t0=$(ms)
"$WS_BIN" down --name "$c" --volumes --time 1 >"$T_TMP/down.out" 2>"$T_TMP/down.err" && ok || bad "down --time 1: $(cat "$T_TMP/down.err")"
el=$(($(ms) - t0))
[ "$el" -ge 1000 ] && [ "$el" -lt 5000 ] && ok || bad "down --time 1 took $el ms (want the 1 s grace, under 5 s)"
grep -q "^removed 2 objects of launch $c" "$T_TMP/down.out" && ok || bad "down --time: what it says: $(cat "$T_TMP/down.out")"
eq "$(labelled "$c")" "" "down --time left nothing"
"$WS_BIN" down --name "$a" --volumes >/dev/null 2>&1
eq "$(labelled "$a")" "" "down left nothing"
