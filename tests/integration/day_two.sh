#!/bin/bash
# Issue 11: the day-two commands against the real daemon A - ps (table and
# JSON against its schema, states running/stopped/partial/changed, docker
# probed inside, newer tag from the harness registry), logs (as docker logs
# says), shell (a shell in /workspace), open --print, stop and start (verified
# again), each compared with what Docker itself reports.
. "$(dirname "$0")/../lib/peers.sh"
export WS_LAUNCH_REGISTRY=$WSL_REGISTRY_URL
J=$T_TMP/ps.json
a=$(uname_ dta) b=$(uname_ dtb)
pa=$WSL_FREE_PORT_1 pb=$WSL_FREE_PORT_2
ps_json() { "$WS_BIN" ps --json "$@" >"$J" 2>"$T_TMP/ps.err"; rc=$?; schema_ok ps.schema.json "$J" "ps --json $*"; }
field() { jq -r --arg n "$1" ".[] | select(.name == \$n) | .$2" "$J"; }
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }

"$WS_BIN" up socket --name "$a" --volume "$a-ws" --port "$pa" --socket "$WSL_A_SOCK" --pull never --yes --offline \
  >/dev/null 2>"$T_TMP/up.err" && ok || bad "up $a: $(cat "$T_TMP/up.err")"
"$WS_BIN" up sysbox --name "$b" --volume "$b-ws" --port "$pb" --pull never --yes --offline \
  >/dev/null 2>"$T_TMP/up.err" && ok || bad "up $b: $(cat "$T_TMP/up.err")"

# ---- ps -------------------------------------------------------------------------
ps_json
eq "$rc" 0 "ps --json"
eq "$(field "$a" mode)" socket "ps: mode"
eq "$(field "$a" state)" running "ps: state"
eq "$(field "$a" running)" true "ps: running (a JSON boolean)"
eq "$(field "$a" url)" "http://127.0.0.1:$pa/" "ps: url"
eq "$(field "$a" image)" "$(DK inspect -f '{{.Config.Image}}' "$a")" "ps: image as docker inspect says"
eq "$(field "$a" docker)" ok "ps: docker inside probed"
eq "$(field "$a" docker_version)" "$(DK version --format '{{.Server.Version}}')" "ps: the daemon seen from inside is A"
eq "$(field "$a" created)" "$(date -d "$(DK inspect -f '{{.Created}}' "$a")" +%s)" "ps: created (Unix seconds) as docker says"
eq "$(field "$a" digest)" "$(DK inspect -f '{{index .Config.Labels "ws-launch.digest"}}' "$a")" "ps: digest"
eq "$(jq -r --arg n "$a" '.[] | select(.name == $n) | .objects.volumes | join(",")' "$J")" "$a-ws" "ps: objects"
eq "$(field "$a" newer_tag)" "$(curl -sf "$WSL_REGISTRY_URL/v2/kloudkit/workspace/tags/list" | jq -r '.tags[]' |
  grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1)" "ps: newer tag = the registry's newest release"
eq "$(field "$b" mode)" sysbox "ps: second launch"
# every launch ps lists is one Docker lists by label, and the other way round
eq "$(jq -r '.[].name' "$J" | sort | tr '\n' ' ')" \
   "$(DK ps -a --filter label=ws-launch.launch --format '{{.Label "ws-launch.launch"}}' | sort -u | tr '\n' ' ')" \
   "ps lists exactly the labelled launches"
"$WS_BIN" ps --no-probe --offline >"$T_TMP/ps.txt" 2>&1
grep -qE "^$a +socket +running +http://127.0.0.1:$pa/ " "$T_TMP/ps.txt" && ok || bad "ps table: $(cat "$T_TMP/ps.txt")"
ps_json --no-probe --offline
eq "$(field "$a" docker)" "not probed" "ps --no-probe"
eq "$(field "$a" newer_tag)" null "ps --offline: no registry lookup"

# ---- logs, shell, open ------------------------------------------------------------
"$WS_BIN" logs --name "$a" >"$T_TMP/logs.out" 2>"$T_TMP/logs.err"
eq "$?" 0 "logs"
DK logs "$a" >"$T_TMP/dlogs.out" 2>"$T_TMP/dlogs.err"
cmp -s "$T_TMP/logs.out" "$T_TMP/dlogs.out" && ok || bad "logs stdout differs from docker logs: $(diff "$T_TMP/logs.out" "$T_TMP/dlogs.out" | head -5)"
"$WS_BIN" logs --name "$a" --sidecar >/dev/null 2>"$T_TMP/logs.err"
eq "$?" 2 "logs --sidecar of a launch without one"
out=$(printf 'pwd\necho "$WS_DOCKER_ENABLE_CLIENT"\n' | "$WS_BIN" shell --name "$a" 2>&1)
eq "$(printf '%s\n' "$out" | head -2 | tr '\n' ' ')" "/workspace 1 " "shell runs in the workspace, in /workspace"
printf 'exit 7\n' | "$WS_BIN" shell --name "$a" >/dev/null 2>&1
eq "$?" 7 "shell's exit status is the shell's"
eq "$(DISPLAY= WAYLAND_DISPLAY= "$WS_BIN" open --name "$a" --print 2>/dev/null)" "http://127.0.0.1:$pa/" "open --print"

# ---- stop, start --------------------------------------------------------------------
"$WS_BIN" stop --name "$a" >/dev/null 2>"$T_TMP/stop.err" && ok || bad "stop: $(cat "$T_TMP/stop.err")"
eq "$(DK inspect -f '{{.State.Running}}' "$a")" false "stop: docker says stopped"
ps_json --offline
eq "$(field "$a" state)" stopped "ps after stop"
eq "$(field "$a" docker)" stopped "ps after stop: docker"
eq "$(field "$a" url)" null "ps after stop: no URL"
"$WS_BIN" open --name "$a" --print >/dev/null 2>"$T_TMP/open.err"
eq "$?" 1 "open of a stopped workspace"
"$WS_BIN" start --name "$a" --verify-timeout 60 >"$T_TMP/start.out" 2>"$T_TMP/start.err" && ok || bad "start: $(cat "$T_TMP/start.err")"
grep -q "Docker .* inside" "$T_TMP/start.out" && ok || bad "start did not verify docker inside: $(cat "$T_TMP/start.out")"
curl -sf --max-time 5 "http://127.0.0.1:$pa/" >/dev/null && ok || bad "start: web port"
"$WS_BIN" start --name "$a" >"$T_TMP/start.out" 2>&1 && ok || bad "start of a running launch: $(cat "$T_TMP/start.out")"

# ---- changed (its profile has other options), partial (an object is gone) ------------
"$WS_BIN" profile save "$a" socket --name "$a" --volume "$a-ws" --port "$pb" --socket "$WSL_A_SOCK" >/dev/null 2>&1
ps_json --no-probe --offline
eq "$(field "$a" state)" changed "ps: profile with another port"
eq "$(field "$a" profile)" "$a" "ps: the profile named"
"$WS_BIN" profile rm "$a" >/dev/null 2>&1
"$WS_BIN" stop --name "$b" >/dev/null 2>&1
DK rm "$b" >/dev/null
ps_json --no-probe --offline
eq "$(field "$b" state)" partial "ps: workspace container removed"
eq "$(jq -r --arg n "$b" '.[] | select(.name == $n) | .missing | join(",")' "$J")" "container $b" "ps: what is missing"

"$WS_BIN" down --name "$a" --volumes >/dev/null 2>&1
"$WS_BIN" down --name "$b" --volumes >/dev/null 2>&1
eq "$(labelled "$a")$(labelled "$b")" "" "down left nothing"
"$WS_BIN" stop --name "$a" >/dev/null 2>"$T_TMP/stop.err"
eq "$?" 1 "stop of a launch that is not there"
