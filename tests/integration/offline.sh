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
n=$(uname_ offl)
dead=127.0.0.1:$(free_port)              # closed: connection refused
repo=$dead/wsl-offline/$n
ref1=$repo:v1 ref2=$repo:v2
port=$(free_port)
# an image of its own (a commit of the stand-in): removing it really removes it
cid=$(DK create "$WSL_WS_IMAGE")
DK commit --change "LABEL wsl.offline=$n" "$cid" "$ref1" >/dev/null && DK tag "$ref1" "$ref2" && ok ||
  bad "making the test image"
DK rm "$cid" >/dev/null
cleanup() {
  "$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
  DK rmi "$ref1" "$ref2" "$repo:v3" offl-foreign-$n:v1 >/dev/null 2>&1
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
# a profile that says --pull always: upgrade's own --pull (auto) decides, the profile keeps its value
"$WS_BIN" profile save "$n" socket --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" \
  --image "$ref2" --pull always >/dev/null 2>&1 && ok || bad "profile save"
wsl upgrade --profile "$n" --image "$ref1" --yes --registry "http://$dead" --timeout 2 --verify-timeout 60
eq "$rc" 0 "upgrade --profile (pull: always) --image present, no registry: $err"
eq "$(DK inspect -f '{{.Config.Image}}' "$n")" "$ref1" "upgrade --profile: the image asked for"
grep -q '^pull: always' "$XDG_CONFIG_HOME/ws-launch/profiles/$n.yaml" && ok || bad "upgrade dropped the profile's pull"
"$WS_BIN" profile rm "$n" >/dev/null 2>&1
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

# start takes the same flags and pulls nothing
"$WS_BIN" stop --name "$n" >/dev/null 2>&1
wsl start --name "$n" --pull never --offline --verify-timeout 60
eq "$rc" 0 "start --pull never --offline: $err"
eq "$(DK inspect -f '{{.State.Running}}' "$n")" true "start: running"
wsl start --name "$n" --pull always
eq "$rc" 2 "start --pull always is refused"

# ---- issue 23.5: a failed pull is told once, in the daemon's words
wsl upgrade --name "$n" --image "$ref2" --pull always --yes
eq "$rc" 1 "upgrade --pull always with the registry unreachable"
words=$(DK pull "$ref2" 2>&1 | sed -n 's/.*Error response from daemon: //p' | head -1)
[ -n "$words" ] && ok || bad "docker pull gave no daemon error"
has "$err" "$words" "pull failure: the daemon's words"
lacks "$err" "HTTP 500" "pull failure: no HTTP status prefix"
eq "$(grep -cF "$words" "$T_TMP/err")" 1 "pull failure told once: $err"
eq "$(DK inspect -f '{{.Config.Image}} {{.State.Running}}' "$n")" "$ref1 true" "failed pull: nothing touched"
# check says it in the same words, without the status either
wsl check socket --image "$repo:v3" --socket "$WSL_A_SOCK" --name "$n-chk" --offline
has "$out$err" "the daemon cannot pull it: $words" "check: the daemon's words"
lacks "$out$err" "HTTP 500" "check: no HTTP status prefix"

# ---- 2. images MODE: what a launch needs, present or not
wsl images socket --image "$ref1" --json
eq "$rc" 0 "images --json, all present: $err"
printf '%s\n' "$out" >"$T_TMP/images.json"
schema_ok images.schema.json "$T_TMP/images.json" "images --json"
eq "$(jq -r '.images[] | "\(.role) \(.image) \(.present)"' "$T_TMP/images.json")" "workspace $ref1 true" "images --json: the workspace image"
wsl images dind --image "$ref1" --dind-image "$repo:nodind" --json
eq "$rc" 1 "images dind: the sidecar's image is missing"
printf '%s\n' "$out" >"$T_TMP/images-dind.json"
schema_ok images.schema.json "$T_TMP/images-dind.json" "images dind --json"
eq "$(jq -r '.images[] | "\(.role) \(.present)"' "$T_TMP/images-dind.json" | tr '\n' ' ')" "workspace true sidecar false " "images dind: both images"
wsl images dind --image "$ref1" --dind-image "$repo:nodind"
has "$out" "$repo:nodind" "images (table): lists the sidecar's image"
has "$err" "docker pull $repo:nodind" "images: a missing image's remedy names docker pull"
has "$err" "ws-launch images load" "images: ... and images load"
# check's remedy for a missing image names both too
wsl check socket --image "$repo:v3" --pull never --offline
has "$err$out" "ws-launch images load" "check: a missing image's remedy names images load"
has "$err$out" "docker pull" "check: ... and docker pull"

# ---- 2. images save -> remove -> images load -> up --pull never
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
wsl images save socket --image "$ref1" --output "$T_TMP/ws.tar"
eq "$rc" 0 "images save: $err"
tar -tf "$T_TMP/ws.tar" manifest.json >/dev/null 2>&1 && ok || bad "images save: no manifest.json in the archive"
[ -z "$(ls "$T_TMP" | grep 'ws.tar.tmp-')" ] && ok || bad "images save left its temporary file"
# Ctrl-C while saving: no archive, no temporary file
"$WS_BIN" images save socket --image "$ref1" --output "$T_TMP/int.tar" >/dev/null 2>"$T_TMP/int.err" &
pid=$!
for _ in $(seq 400); do ls "$T_TMP" | grep -q 'int.tar.tmp-' && break; sleep 0.01; done
kill -INT "$pid"; wait "$pid"; irc=$?
eq "$irc" 130 "images save, Ctrl-C: exit 130"
[ ! -e "$T_TMP/int.tar" ] && [ -z "$(ls "$T_TMP" | grep 'int.tar.tmp-')" ] && ok || bad "images save, Ctrl-C: left a file: $(ls "$T_TMP")"
DK rmi "$ref1" "$ref2" >/dev/null && ok || bad "removing the test image"
have() { DK images --format '{{.Repository}}:{{.Tag}}' "$repo" | sort | tr '\n' ' '; }
eq "$(have)" "" "the test image is gone"
# a truncated archive and a foreign one are refused, nothing loaded
head -c $(( $(stat -c %s "$T_TMP/ws.tar") / 2 )) "$T_TMP/ws.tar" >"$T_TMP/half.tar"
wsl images load "$T_TMP/half.tar"
eq "$rc" 2 "images load of a truncated archive"
eq "$(lines "$err")" 1 "truncated archive: one line"
has "$err" "truncated" "truncated archive: says so"
eq "$(have)" "" "truncated archive: nothing loaded"
tar -cf "$T_TMP/foreign.tar" -C "$T_TMP" images.json
wsl images load "$T_TMP/foreign.tar"
eq "$rc" 2 "images load of a tar that is not an image archive"
has "$err" "no manifest.json" "foreign archive: why"
# an archive the daemon refuses: its words
mkdir -p "$T_TMP/fk" && echo garbage >"$T_TMP/fk/layer.tar" && echo '{}' >"$T_TMP/fk/cfg.json"
echo "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"offl-foreign-$n:v1\"],\"Layers\":[\"layer.tar\"]}]" >"$T_TMP/fk/manifest.json"
tar -cf "$T_TMP/refused.tar" -C "$T_TMP/fk" manifest.json cfg.json layer.tar
words=$(DK load -i "$T_TMP/refused.tar" 2>&1 | sed 's/^Error response from daemon: //' | tail -1)
wsl images load "$T_TMP/refused.tar"
eq "$rc" 1 "images load refused by the daemon"
has "$err" "$words" "images load: the daemon's words"
# the real one
wsl images load "$T_TMP/ws.tar"
eq "$rc" 0 "images load: $err"
has "$out" "Loaded image: $ref1" "images load: says what it loaded"
eq "$(have)" "$ref1 " "images load: the image is back"
wsl up socket "${common[@]}" --image "$ref1" --yes --pull never --registry "http://$dead" --timeout 2
eq "$rc" 0 "up --pull never after images load: $err"
eq "$(DK inspect -f '{{.State.Running}}' "$n")" true "up after images load: running"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
eq "$(labelled "$n")" "" "down left nothing"
