#!/bin/bash
# Issue 4: name clashes, a failing middle step, an image that cannot be
# pulled, SIGINT during a step, --keep, and "could not run" vs "failed".
. "$(dirname "$0")/../lib/peers.sh"
port=$WSL_FREE_PORT_2
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
up() { "$WS_BIN" up "$@" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?; out=$(cat "$T_TMP/out"); err=$(cat "$T_TMP/err"); }

# --- a foreign container with the launch's name: the check stops the launch ...
n=$(uname_ clash)
DK run -d --name "$n" "$WSL_WS_IMAGE" >/dev/null
id=$(DK inspect -f '{{.Id}}' "$n")
up socket --yes --offline --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK"
eq "$rc" 1 "clash (checks)"
has "$err" "names: a container named $n exists and is not from this launch" "clash finding"
# ... and with --force the runner refuses before touching it, rolling back the volume it made
up socket --yes --offline --force --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK"
eq "$rc" 1 "clash (--force)"
has "$err" "a container named $n exists and was not created by this launch; it was not touched" "clash message"
eq "$(DK inspect -f '{{.Id}} {{.State.Running}}' "$n")" "$id true" "foreign container untouched"
eq "$(labelled "$n")" "" "clash left no labelled objects"
DK rm -f "$n" >/dev/null

# --- a foreign (unlabelled) volume with the launch's volume name: refused,
#     untouched, unless --adopt; down then removes only what it labelled,
#     with daemon names after "--"
n=$(uname_ fvol)
DK volume create "$n-ws" >/dev/null
DK run --rm -u 0 -v "$n-ws:/d" "$WSL_WS_IMAGE" sh -c 'echo theirs > /d/data' >/dev/null 2>&1
up socket --yes --offline --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK"
eq "$rc" 1 "foreign volume"
has "$err" "a volume named $n-ws exists and was not created by this launch; it was not touched (pass --adopt" "foreign volume message"
eq "$(DK volume inspect -f '{{len .Labels}}' "$n-ws")" 0 "foreign volume untouched"
eq "$(labelled "$n")" "" "foreign volume: nothing left"
up socket --yes --offline --adopt --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK"
eq "$rc" 0 "foreign volume with --adopt ($err)"
eq "$(DK exec "$n" cat /workspace/data 2>/dev/null)" theirs "--adopt: the workspace sees the volume's data"
"$WS_BIN" down --name "$n" --volumes >"$T_TMP/down" 2>&1 && ok || bad "down after --adopt: $(cat "$T_TMP/down")"
eq "$(labelled "$n")" "" "down after --adopt: nothing labelled left"
eq "$(DK volume ls -q --filter "name=^$n-ws\$")" "$n-ws" "down --volumes keeps the adopted, unlabelled volume"
DK volume rm "$n-ws" >/dev/null

# --- the password file goes with the launch: a launch that does not
#     happen removes the one it wrote, down --volumes removes it
n=$(uname_ pw)
sec=$XDG_CONFIG_HOME/ws-launch/secrets/$n.env
DK run -d --name "$n" "$WSL_WS_IMAGE" >/dev/null
printf 'hunter2\n' | "$WS_BIN" up socket --yes --offline --password-stdin --name "$n" --volume "$n-ws" --port "$port" \
  --socket "$WSL_A_SOCK" >/dev/null 2>"$T_TMP/err"; rc=$?
eq "$rc" 1 "password launch refused (clash)"
[ ! -e "$sec" ] && ok || bad "a refused launch left its password file $sec"
DK rm -f "$n" >/dev/null
printf 'hunter2\n' | "$WS_BIN" up socket --yes --offline --password-stdin --name "$n" --volume "$n-ws" --port "$port" \
  --socket "$WSL_A_SOCK" >/dev/null 2>"$T_TMP/err"; rc=$?
eq "$rc" 0 "password launch ($(cat "$T_TMP/err"))"
eq "$(stat -c %a "$sec" 2>/dev/null)" 600 "the password file exists, 0600, while the launch does"
"$WS_BIN" down --name "$n" >/dev/null 2>&1
[ -e "$sec" ] && ok || bad "down without --volumes removed the password file"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>"$T_TMP/err"
[ ! -e "$sec" ] && ok || bad "down --volumes left the password file"
case $(cat "$T_TMP/err") in *"removed the launch's password file"*) ok ;; *) bad "down --volumes did not say it removed the password file: $(cat "$T_TMP/err")" ;; esac
eq "$(labelled "$n")" "" "password launch: down left nothing"

# --- a failing middle step (the sidecar cannot start) rolls back network and volumes
n=$(uname_ mid)
printf '' | tar -cf "$T_TMP/empty.tar" -T -
DK import -c 'CMD ["/no/such/dockerd"]' "$T_TMP/empty.tar" "wsl-broken-$n:dind" >/dev/null
up dind --yes --offline --force --name "$n" --volume "$n-ws" --port "$port" --network "$n-net" --sidecar "$n-side" \
  --data-volume "$n-dd" --certs-volume "$n-dc" --dind-image "wsl-broken-$n:dind" --pull never
eq "$rc" 1 "middle step failure"
has "$err" "failed: exited with code" "names the exit code"
has "$err" "start the sidecar $n-side" "names the step"
has "$err" "rolled back" "says it rolled back"
# the daemon's own words, as the docker CLI prints them, not the CLI's advice
has "$err" "Error response from daemon:" "middle failure: the daemon's message"
has "$err" "/no/such/dockerd" "middle failure: what the daemon could not run"
case $err in *"docker run --help"*) bad "middle failure shows the CLI's advice: $err" ;; *) ok ;; esac
eq "$(labelled "$n")" "" "middle failure left nothing"
DK network inspect "$n-net" >/dev/null 2>&1 && bad "network left" || ok
DK rmi "wsl-broken-$n:dind" >/dev/null

# --- --keep keeps what was done
up dind --yes --offline --force --keep --name "$n" --volume "$n-ws" --port "$port" --network "$n-net" \
  --sidecar "$n-side" --dind-image "wsl-nonexistent-$n:dind" --pull never --no-data-volume
eq "$rc" 1 "keep: failure"
cli_words=$(DK run --rm --pull never "wsl-nonexistent-$n:dind" 2>&1 | grep -o 'Error response from daemon: .*')
[ -n "$cli_words" ] && ok || bad "the docker CLI gave no daemon error for a missing image"
has "$err" "$cli_words" "keep: the daemon's words as the docker CLI shows them"
DK network inspect "$n-net" >/dev/null 2>&1 && ok || bad "--keep removed the network"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
eq "$(labelled "$n")" "" "down after --keep"

# --- an image that cannot be pulled fails cleanly, no leftovers
n=$(uname_ pull)
up sysbox --yes --offline --force --name "$n" --volume "$n-ws" --port "$port" --image "$WSL_REGISTRY/nope/nope:v1"
eq "$rc" 1 "unpullable image"
has "$err" "pull $WSL_REGISTRY/nope/nope:v1" "names the pull step"
has "$err" "rolled back" "pull rollback"
eq "$(labelled "$n")" "" "pull failure left nothing"
# a registry that does not resolve: the pull stream's own error, as docker pull says it
n=$(uname_ nohost)
up sysbox --yes --offline --force --name "$n" --volume "$n-ws" --port "$port" --image "nohost-$n.invalid/ws:v1"
eq "$rc" 1 "unresolvable registry"
cli_words=$(DK pull "nohost-$n.invalid/ws:v1" 2>&1 | sed -n 's/.*Error response from daemon: //p' | head -1)
[ -n "$cli_words" ] && ok || bad "docker pull gave no daemon error for an unresolvable registry"
has "$err" "$cli_words" "unresolvable registry: the daemon's words as docker pull shows them"
eq "$(labelled "$n")" "" "unresolvable registry left nothing"

# --- SIGINT during a step: the step is cancelled, what was done is rolled back, exit 130
n=$(uname_ sigint)
cat > "$T_TMP/slow-docker" <<'SH'
#!/bin/sh
case " $* " in *" run -d "*) sleep 60 ;; esac
exec /usr/bin/docker "$@"
SH
chmod +x "$T_TMP/slow-docker"
WS_LAUNCH_DOCKER=$T_TMP/slow-docker "$WS_BIN" up privileged --yes --offline --name "$n" --volume "$n-ws" \
  --port "$port" >"$T_TMP/out" 2>"$T_TMP/err" &
pid=$!
for _ in $(seq 300); do pgrep -f "$T_TMP/slow-docker run -d" >/dev/null && break; sleep 0.05; done
pgrep -f "$T_TMP/slow-docker run -d" >/dev/null && ok || bad "the slow step never started: $(cat "$T_TMP/err")"
sleep 0.2
kill -INT $pid
wait $pid; rc=$?
eq "$rc" 130 "SIGINT exit code"
has "$(cat "$T_TMP/err")" "cancelled" "SIGINT message"
eq "$(labelled "$n")" "" "SIGINT rolled back"
pgrep -f "$T_TMP/slow-docker" >/dev/null && bad "the cancelled step is still running" || ok

# --- "could not run" is not "ran and failed"
n=$(uname_ exec)
WS_LAUNCH_DOCKER=$T_TMP/no-such-docker up sysbox --yes --offline --name "$n" --volume "$n-ws" --port "$port"
eq "$rc" 1 "missing client"
has "$err" "could not run $T_TMP/no-such-docker: No such file or directory" "could not run"
printf '#!/bin/sh\necho "boom" >&2\nexit 3\n' > "$T_TMP/bad-docker"; chmod +x "$T_TMP/bad-docker"
WS_LAUNCH_DOCKER=$T_TMP/bad-docker up sysbox --yes --offline --name "$n" --volume "$n-ws" --port "$port"
eq "$rc" 1 "failing client"
has "$err" "exited with code 3: boom" "ran and failed"
eq "$(labelled "$n")" "" "nothing left"
