#!/bin/bash
# Issue 22.3: the inner daemon settings reach the inner daemon: privileged through the daemon.json ws-launch
# writes and mounts at /etc/docker/daemon.json, dind as the sidecar's dockerd flags; `docker info` inside
# shows the mirror, the inner bridge network has the MTU; a changed setting is a change `up` reports;
# `down` removes the file and leaves nothing.
. "$(dirname "$0")/../lib/peers.sh"
port=$WSL_FREE_PORT_1
mirror="http://$WSL_A_BRIDGE_IP:$WSL_REGISTRY_PORT"
cfg=$XDG_CONFIG_HOME/ws-launch

inner_up() { # MODE NAME DAEMON(container running the inner dockerd) ARGS...
  local mode=$1 name=$2 daemon=$3; shift 3
  "$WS_BIN" up "$mode" --yes --offline --name "$name" --port "$port" --verify-timeout 90 \
    --inner-registry-mirror "$mirror" --inner-mtu 1400 "$@" \
    >"$T_TMP/up.out" 2>"$T_TMP/up.err"; rc=$?
  [ "$rc" -eq 0 ] && ok || { bad "up $mode: exit $rc"; sed 's/^/    /' "$T_TMP/up.err" >&2; }
  got=$(DK exec "$daemon" docker info --format '{{json .RegistryConfig.Mirrors}}' 2>&1)
  case $got in *"$mirror/"*) ok ;; *) bad "$mode: docker info inside shows no mirror $mirror: $got" ;; esac
  got=$(DK exec "$daemon" docker network inspect bridge -f '{{index .Options "com.docker.network.driver.mtu"}}' 2>&1)
  [ "$got" = 1400 ] && ok || bad "$mode: inner bridge MTU: [$got]"
  # the same launch with another MTU is a change up reports, and refuses without --recreate
  "$WS_BIN" up "$mode" --yes --offline --name "$name" --port "$port" --verify-timeout 90 \
    --inner-registry-mirror "$mirror" --inner-mtu 1300 "$@" \
    >"$T_TMP/up2.out" 2>"$T_TMP/up2.err"; rc=$?
  [ "$rc" -ne 0 ] && grep -q "inner.mtu" "$T_TMP/up2.err" && ok ||
    bad "$mode: changed --inner-mtu not reported (exit $rc): $(cat "$T_TMP/up2.err")"
}

name=$(uname_ priv)
# the stand-in has no iptables: its own daemon.json says so, and ours replaces it
inner_up privileged "$name" "$name" --inner-iptables off --volume "$name-ws" --data-volume "$name-dd"
f=$cfg/daemon/$name.json
[ "$(stat -c %a "$f" 2>/dev/null)" = 644 ] && ok || bad "daemon.json $f: mode $(stat -c %a "$f" 2>&1)"
got=$(DK exec "$name" cat /etc/docker/daemon.json)
[ "$got" = "$(cat "$f")" ] && ok || bad "the mounted daemon.json differs: $got"
[ "$(DK inspect -f '{{range .Mounts}}{{if eq .Destination "/etc/docker/daemon.json"}}{{.RW}}{{end}}{{end}}' "$name")" = false ] &&
  ok || bad "daemon.json not mounted read-only"
# upgrade makes the launch again: its runner writes the daemon.json too (here: after it was lost)
rm -f "$f"
"$WS_BIN" upgrade --name "$name" --image "$WSL_REGISTRY/kloudkit/workspace:v0.10.2" --yes --verify-timeout 90 >"$T_TMP/upg.out" 2>"$T_TMP/upg.err" &&
  ok || bad "upgrade: $(tail -3 "$T_TMP/upg.err")"
[ "$(DK exec "$name" cat /etc/docker/daemon.json 2>&1)" = "$(cat "$f" 2>&1)" ] && [ -s "$f" ] && ok ||
  bad "upgrade did not write $f: $(ls -la "$f" 2>&1)"
"$WS_BIN" down --name "$name" --volumes >/dev/null 2>"$T_TMP/down.err" && ok || bad "down: $(cat "$T_TMP/down.err")"
[ ! -e "$f" ] && ok || bad "down left $f"
[ -z "$(labelled "$name")" ] && ok || bad "privileged left: $(labelled "$name")"

name=$(uname_ dind) side=$(uname_ side)
# (the harness's docker:dind has iptables off in its own daemon.json: a flag too would clash)
inner_up dind "$name" "$side" --volume "$name-ws" --network "$(uname_ net)" --sidecar "$side" \
  --data-volume "$(uname_ dd)" --certs-volume "$(uname_ dc)"
[ ! -e "$cfg/daemon/$name.json" ] && ok || bad "dind wrote a daemon.json"
got=$(DK inspect -f '{{json .Args}}' "$side")
case $got in *'"--registry-mirror='"$mirror"'"'*'"--mtu=1400"'*) ok ;; *) bad "sidecar args: $got" ;; esac
"$WS_BIN" down --name "$name" --volumes >/dev/null 2>"$T_TMP/down.err" && ok || bad "down dind: $(cat "$T_TMP/down.err")"
[ -z "$(labelled "$name")" ] && ok || bad "dind left: $(labelled "$name")"
