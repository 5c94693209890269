#!/bin/bash
# The rootless mode against the harness's rootless dockerd R (a test user's
# rootlesskit + dockerd): the checks see it and its socket's group as its
# containers see it; `up rootless` is verified from inside; the workspace's
# processes belong to the user's subordinate ids, not root; containers made
# inside run on that same rootless daemon; relaunch and down as the other
# modes.  The prediction side: a rootful endpoint, no daemon at the socket.
# It also runs as the test user itself (no root anywhere).
. "$(dirname "$0")/../lib/peers.sh"
port=$WSL_FREE_PORT_1
name=$(uname_ rl)
RK() { "$WSL_DOCKER" -H "$WSL_R_HOST" "$@"; }
export DOCKER_HOST=$WSL_R_HOST XDG_RUNTIME_DIR=$WSL_R_RUNTIME_DIR

# --- check: ready, with the socket's group as the daemon's namespace numbers it
"$WS_BIN" check rootless --offline --json --name "$name" --port "$port" >"$T_TMP/check.json" 2>"$T_TMP/check.err"; rc=$?
[ "$rc" = 0 ] && ok || { bad "check rootless: exit $rc"; cat "$T_TMP/check.json" "$T_TMP/check.err" >&2; }
for id in rootless.daemon rootless.socket rootless.userns; do
  [ "$(jqf "$T_TMP/check.json" ".checks[] | select(.id == \"$id\") | .status")" = pass ] && ok ||
    bad "check $id: $(jqf "$T_TMP/check.json" ".checks[] | select(.id == \"$id\")")"
done
gid=$(jqf "$T_TMP/check.json" '.checks[] | select(.id == "rootless.socket") | .data.gid')
host_gid=$(stat -c %g "$WSL_R_SOCK")
[ "$(jqf "$T_TMP/check.json" '.checks[] | select(.id == "rootless.socket") | .data.host_gid')" = "$host_gid" ] && ok ||
  bad "rootless.socket host_gid != stat of the socket ($host_gid)"
# independently: the socket's group as a container of R sees it
seen=$(RK run --rm -v "$WSL_R_SOCK:/s" --entrypoint stat "$WSL_WS_IMAGE" -c %g /s 2>&1)
[ "$seen" = "$gid" ] && ok || bad "the socket's group inside R's containers is [$seen], the check says [$gid]"

# --- up: verified from inside
"$WS_BIN" up rootless --yes --offline --name "$name" --volume "$name-ws" --port "$port" --verify-timeout 60 \
  >"$T_TMP/up.out" 2>"$T_TMP/up.err"; rc=$?
[ "$rc" = 0 ] && ok || { bad "up rootless: exit $rc"; sed 's/^/    /' "$T_TMP/up.err" >&2; }
grep -q "http://127.0.0.1:$port/" "$T_TMP/up.out" && ok || bad "up rootless: no URL in: $(cat "$T_TMP/up.out")"
cat "$T_TMP/up.out" "$T_TMP/up.err" | grep -q "run on the rootless daemon at $WSL_R_SOCK" && ok || bad "up rootless: no note naming the daemon"
[ "$(RK inspect -f '{{.HostConfig.GroupAdd}}' "$name")" = "[$gid]" ] && ok || bad "group-add is not [$gid]"
[ "$(RK inspect -f '{{index .Config.Labels "ws-launch.mode"}}' "$name")" = rootless ] && ok || bad "mode label"
curl -sf --max-time 5 "http://127.0.0.1:$port/" | grep -q "$WSL_WS_MARKER" && ok || bad "web page through rootlesskit"
# docker inside talks to the same rootless daemon, as the workspace's user
RK exec "$name" sh -c 'id -u' | grep -qx 1000 && ok || bad "the workspace does not run as its user (1000)"
inner=$(RK exec "$name" docker info --format '{{.SecurityOptions}}' 2>&1)
case $inner in *name=rootless*) ok ;; *) bad "docker inside does not reach a rootless daemon: $inner" ;; esac
RK exec "$name" docker run -d --name "$name-inner" --label "ws-launch-test=$name" "$WSL_WS_IMAGE" >/dev/null 2>&1 && ok ||
  bad "docker run inside the workspace failed"
[ "$(RK ps -q --filter "name=^/$name-inner$" | wc -l)" = 1 ] && ok || bad "the inner container is not on R"
# a user's power: the workspace's processes are the user's subordinate ids on this host, never root
hp=$(RK inspect -f '{{.State.Pid}}' "$name")
owner=$(stat -c %u "/proc/$hp" 2>/dev/null)
sub_base=$(awk -F: -v u="$WSL_R_USER" '$1 == u {print $2}' /etc/subuid)
[ -n "$owner" ] && [ "$owner" != 0 ] && [ "$owner" -ge "$sub_base" ] && ok ||
  bad "workspace pid $hp runs as host uid [$owner], not one of $WSL_R_USER's subordinate ids (from $sub_base)"
RK rm -f "$name-inner" >/dev/null 2>&1

# --- relaunch is "already up"; down leaves nothing
"$WS_BIN" up rootless --yes --offline --name "$name" --volume "$name-ws" --port "$port" --verify-timeout 60 \
  >"$T_TMP/up2.out" 2>"$T_TMP/up2.err"; rc=$?
[ "$rc" = 0 ] && grep -q "already up" "$T_TMP/up2.out" && ok || bad "second up: exit $rc: $(cat "$T_TMP/up2.out" "$T_TMP/up2.err")"
"$WS_BIN" down --name "$name" --volumes >"$T_TMP/down.out" 2>&1; rc=$?
[ "$rc" = 0 ] && ok || bad "down: exit $rc: $(cat "$T_TMP/down.out")"
[ -z "$(labelled "$name" "$WSL_R_HOST")" ] && ok || bad "down left: $(labelled "$name" "$WSL_R_HOST")"

# --- as the test user itself: no root anywhere
cfg=$(mktemp -d "$WSL_R_RUNTIME_DIR/../wsl-cfg-XXXXXX") && chown "$WSL_R_USER:" "$cfg"
runuser -u "$WSL_R_USER" -- env -i PATH=/usr/bin:/bin HOME="$cfg" DOCKER_CONFIG="$cfg/docker" \
  XDG_CONFIG_HOME="$cfg/xdg" XDG_RUNTIME_DIR="$WSL_R_RUNTIME_DIR" DOCKER_HOST="$WSL_R_HOST" \
  "$WS_BIN" check rootless --offline --name "$name" --port "$port" >"$T_TMP/user.out" 2>&1; rc=$?
[ "$rc" = 0 ] && ok || bad "check rootless as $WSL_R_USER: exit $rc: $(cat "$T_TMP/user.out")"
grep -q "runs as $WSL_R_USER (uid $WSL_R_UID)" "$T_TMP/user.out" && ok || bad "as the user: owner not named: $(cat "$T_TMP/user.out")"
rm -rf "$cfg"

# --- the verdict predicts: a rootful endpoint is not ready, and up refuses before making anything
DOCKER_HOST=$WSL_A_HOST "$WS_BIN" check rootless --offline --socket "$WSL_R_SOCK" --name "$name" --port "$port" \
  >"$T_TMP/rootful.out" 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "check rootless on rootful A: exit $rc"
grep -q "rootless.daemon.*is rootful" "$T_TMP/rootful.out" && ok || bad "rootful A not named: $(cat "$T_TMP/rootful.out")"
grep -q "DOCKER_HOST=unix://$WSL_R_SOCK" "$T_TMP/rootful.out" && ok || bad "remedy does not name the rootless socket"
DOCKER_HOST=$WSL_A_HOST "$WS_BIN" up rootless --yes --offline --socket "$WSL_R_SOCK" --name "$name" --port "$port" \
  >"$T_TMP/rootful-up.out" 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "up rootless on rootful A: exit $rc: $(cat "$T_TMP/rootful-up.out")"
[ -z "$(labelled "$name")" ] && ok || bad "up rootless on rootful A made: $(labelled "$name")"
# no daemon at the socket: the check fails and names it; print needs --group then
"$WS_BIN" check rootless --offline --socket "$T_TMP/none.sock" >"$T_TMP/none.out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q "no rootless daemon's socket at $T_TMP/none.sock" "$T_TMP/none.out" && ok ||
  bad "check with no socket: exit $rc: $(cat "$T_TMP/none.out")"
"$WS_BIN" print rootless --socket "$T_TMP/none.sock" >"$T_TMP/print.out" 2>"$T_TMP/print.err"; rc=$?
[ "$rc" = 2 ] && grep -q "socket.group: no rootless daemon's socket at" "$T_TMP/print.err" && ok ||
  bad "print with no socket: exit $rc: $(cat "$T_TMP/print.err")"
# Compose keeps the meaning: the group and the socket
"$WS_BIN" print rootless --format compose --pull never >"$T_TMP/compose.yaml" 2>/dev/null; rc=$?
[ "$rc" = 0 ] && grep -q "\"$gid\"\|- $gid\b\|'$gid'" "$T_TMP/compose.yaml" && grep -q "$WSL_R_SOCK:/var/run/docker.sock" "$T_TMP/compose.yaml" && ok ||
  bad "compose export: exit $rc: $(cat "$T_TMP/compose.yaml")"
