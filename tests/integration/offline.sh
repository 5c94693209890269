#!/bin/bash
# Issue 20 (1, 2) and issue 23 (5): one pull policy, images for air-gapped
# hosts, a failed pull told once.  The images live under a registry that
# does not exist (a closed port on loopback): anything that pulls or asks
# that registry fails, so what works here works without a registry.  They
# are unique tags of the stand-in, removed at the end; the harness's own
# images are never touched.
. "$(dirname "$0")/../lib/peers.sh"
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
lacks() { case $1 in *"$2"*) bad "$3: [$1] has [$2]" ;; *) ok ;; esac; }
lines() { printf '%s\n' "$1" | grep -c .; }
wsl() { "$WS_BIN" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null; rc=$?; out=$(cat "$T_TMP/out"); err=$(cat "$T_TMP/err"); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
n=$(uname_ offl)
dead=127.0.0.1:$(free_port)              # closed: connection refused
repo=$dead/wsl-offline/$n
ref1=$repo:v1 ref2=$repo:v2
port=$(free_port)
DK tag "$WSL_WS_IMAGE" "$ref1" && DK tag "$WSL_WS_IMAGE" "$ref2" && ok || bad "tagging the stand-in"
cleanup() {
  "$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
  DK rmi "$ref1" "$ref2" "$repo:v3" >/dev/null 2>&1
}
trap 'cleanup; t_cleanup' EXIT
common=(--name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" --verify-timeout 60)

# ---- 1. one pull policy: auto uses a present image, never refuses an absent one
wsl up socket "${common[@]}" --image "$ref1" --yes --registry "http://$dead" --timeout 2
eq "$rc" 0 "up --pull auto with the image present and no registry: $err"
lacks "$err" "pull $ref1" "up --pull auto: no pull step for a present image"
wsl upgrade --name "$n" --image "$ref2" --yes --registry "http://$dead" --timeout 2 --verify-timeout 60
eq "$rc" 0 "upgrade --image (present) with the registry unreachable: $err"
has "$err" "nothing to pull" "upgrade --image (present): says it pulls nothing"
eq "$(DK inspect -f '{{.Config.Image}}' "$n")" "$ref2" "upgrade --image: the image asked for"
wsl upgrade --name "$n" --image "$repo:v3" --pull never --yes
eq "$rc" 1 "upgrade --pull never to an absent image"
has "$err" "not present" "upgrade --pull never: why"
has "$err" "ws-launch images load" "upgrade --pull never: names images load"
eq "$(DK inspect -f '{{.Config.Image}}' "$n")" "$ref2" "upgrade --pull never: nothing touched"
# without --image: the newest tag cannot be learnt, --image is named
start=$(date +%s)
WS_LAUNCH_REGISTRY=http://$WSL_BLACKHOLE_ADDR wsl upgrade --name "$n" --yes --timeout 2
eq "$rc" 1 "upgrade without --image, registry never answers"
has "$err" "cannot learn the newest tag" "upgrade, registry unreachable: what"
has "$err" "--image REF" "upgrade, registry unreachable: names --image"
[ $(( $(date +%s) - start )) -le 15 ] && ok || bad "upgrade's tag lookup was not bounded by --timeout"
wsl upgrade --name "$n" --yes --offline
eq "$rc" 2 "upgrade --offline without --image"
eq "$(lines "$err")" 1 "upgrade --offline without --image: one line"
has "$err" "--image REF" "upgrade --offline: names --image"
wsl upgrade --name "$n" --pull sometimes --image "$ref1"
eq "$rc" 2 "upgrade --pull sometimes"
# up --recreate follows it too
wsl up socket "${common[@]}" --image "$ref1" --yes --offline --recreate --pull never
eq "$rc" 0 "up --recreate --pull never, image present: $err"
eq "$(DK inspect -f '{{.Config.Image}}' "$n")" "$ref1" "up --recreate: the image asked for"

# ---- issue 23.5: a failed pull is told once, in the daemon's words
wsl upgrade --name "$n" --image "$ref2" --pull always --yes
eq "$rc" 1 "upgrade --pull always with the registry unreachable"
words=$(DK pull "$ref2" 2>&1 | sed -n 's/.*Error response from daemon: //p' | head -1)
[ -n "$words" ] && ok || bad "docker pull gave no daemon error"
has "$err" "$words" "pull failure: the daemon's words"
lacks "$err" "HTTP 500" "pull failure: no HTTP status prefix"
eq "$(grep -cF "$words" "$T_TMP/err")" 1 "pull failure told once: $err"
eq "$(DK inspect -f '{{.Config.Image}} {{.State.Running}}' "$n")" "$ref1 true" "failed pull: nothing touched"
