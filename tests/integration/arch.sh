#!/bin/bash
# Issue 22.2: the arch check against a real daemon and registry.  A
# stand-in workspace image whose config says arm64 (the harness's image,
# saved, its config rewritten, loaded under a unique tag) fails the check
# in every mode and stops `up` before anything is made; the normal image
# passes; in the registry (absent locally) the arm64 image fails, a
# manifest list with linux/amd64 passes, and an unreachable registry or
# --pull never skip with the reason.
. "$(dirname "$0")/../lib/peers.sh"
needs "jq coreutils tar curl" jq sha256sum tar curl
J=$T_TMP/out.json
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
check_json() { "$WS_BIN" check "$@" --json --offline > "$J" 2>"$T_TMP/err"; rc=$?; schema_ok check.schema.json "$J" "check $*"; }
field_of() { jq -r --arg id "$1" --arg f "$2" '.checks[] | select(.id==$id) | .[$f] // empty' "$J"; }
data_of() { jq -r --arg id "$1" --arg k "$2" '.checks[] | select(.id==$id) | .data[$k] | select(. != null)' "$J"; }
ready_of() { jq -r --arg m "$1" '.modes[] | select(.id==$m) | .ready' "$J"; }

u=$(uname_ arch)
ARM=$WSL_REGISTRY/$u/workspace:arm64   # loaded locally first, pushed later
AMD=$WSL_REGISTRY/$u/workspace:amd64
cleanup() { DK rmi -f "$ARM" "$AMD" >/dev/null 2>&1; t_cleanup; }
trap cleanup EXIT

# --- the stand-in for arm64: save, rewrite the config, load under $ARM
x=$T_TMP/img
mkdir -p "$x"
DK save "$WSL_WS_IMAGE" | tar -C "$x" -xf - || bad "docker save"
cfg=$(jq -r '.[0].Config' "$x/manifest.json")
jq -c '.architecture = "arm64" | .variant = "v8"' "$x/$cfg" > "$x/new.json"
sum=$(sha256sum "$x/new.json" | cut -d' ' -f1)
mv "$x/new.json" "$x/$sum.json"
rm -f "$x/$cfg" "$x/repositories"
jq -c --arg c "$sum.json" --arg t "$ARM" '.[0].Config = $c | .[0].RepoTags = [$t]' "$x/manifest.json" > "$x/m.json"
mv "$x/m.json" "$x/manifest.json"
tar -C "$x" -cf - . | DK load >/dev/null || bad "docker load"
rm -rf "$x"
eq "$(DK image inspect -f '{{.Os}}/{{.Architecture}}' "$ARM")" linux/arm64 "stand-in is arm64"
eq "$(DK image inspect -f '{{.Architecture}}' "$WSL_WS_IMAGE")" amd64 "harness image untouched"
daemon=$(DK info -f '{{.Architecture}}')
case $daemon in x86_64) want=linux/amd64 ;; aarch64) want=linux/arm64 ;; *) want=linux/$daemon ;; esac
[ "$want" = linux/amd64 ] || { echo "SKIP: arch.sh needs an amd64 daemon (this one is $daemon)"; trap - EXIT; DK rmi -f "$ARM" >/dev/null; rm -rf "$T_TMP"; exit 77; }

# --- the normal image passes, in a mode that asks /info and one that does not
check_json sysbox
eq "$(field_of arch status)" pass "normal image: sysbox"
eq "$(field_of arch finding)" "$WSL_WS_IMAGE is linux/amd64, as the daemon" "normal finding"
eq "$(data_of arch daemon)" linux/amd64 "daemon platform (from /info x86_64)"
eq "$(data_of arch source)" local "source local"
check_json socket --socket "$WSL_A_SOCK"
eq "$(field_of arch status)" pass "normal image: socket (/version)"
eq "$(data_of arch daemon)" linux/amd64 "daemon platform (from /version)"

# --- the arm64 image fails, naming both, in sysbox, socket and privileged
for m in sysbox socket privileged; do
  extra=(); [ "$m" = socket ] && extra=(--socket "$WSL_A_SOCK")
  check_json "$m" --image "$ARM" "${extra[@]}"
  eq "$rc" 1 "$m with arm64: exit 1"
  eq "$(field_of arch status)" fail "$m: arch fails"
  eq "$(field_of arch finding)" "$ARM is linux/arm64; the daemon runs linux/amd64" "$m: finding"
  has "$(field_of arch remedy)" "docker pull --platform linux/amd64 $ARM" "$m: remedy"
  eq "$(ready_of "$m")" false "$m not ready"
  eq "$(data_of arch image)" linux/arm64 "$m: image data"
done
# the text output, as a user sees it
"$WS_BIN" check sysbox --image "$ARM" --offline >"$T_TMP/out" 2>&1; rc=$?
eq "$rc" 1 "check sysbox (text): exit 1"
has "$(cat "$T_TMP/out")" "✗ arch" "text marks arch failed"
has "$(cat "$T_TMP/out")" "→ pull an amd64 image: docker pull --platform linux/amd64 $ARM" "text remedy"

# --- up refuses before anything is made
n=$(uname_ armup)
"$WS_BIN" up socket --yes --offline --image "$ARM" --name "$n" --volume "$n-ws" --port "$WSL_FREE_PORT_3" \
  --socket "$WSL_A_SOCK" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
eq "$rc" 1 "up with arm64: exit 1"
has "$(cat "$T_TMP/err")" "arch: $ARM is linux/arm64; the daemon runs linux/amd64" "up names the reason"
has "$(cat "$T_TMP/err")" "docker pull --platform linux/amd64" "up names the remedy"
eq "$(labelled "$n")" "" "up left no labelled object"
eq "$(DK ps -aq --filter "name=^$n\$")" "" "no container $n"
eq "$(DK volume ls -q --filter "name=^$n-ws\$")" "" "no volume $n-ws"
# privileged too (its data volume would be the first thing made)
"$WS_BIN" up privileged --yes --offline --image "$ARM" --name "$n" --volume "$n-ws" --port "$WSL_FREE_PORT_3" \
  >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
eq "$rc" 1 "up privileged with arm64: exit 1"
eq "$(labelled "$n")" "" "up privileged left no labelled object"

# --- the registry: push the arm64 image, drop it locally: the daemon's
#     /distribution reads its config there
DK push "$ARM" >/dev/null || bad "push $ARM"
DK tag "$WSL_WS_IMAGE" "$AMD" && DK push "$AMD" >/dev/null || bad "push $AMD"
DK rmi "$ARM" "$AMD" >/dev/null || bad "rmi"
check_json socket --image "$ARM" --socket "$WSL_A_SOCK"
eq "$rc" 1 "registry arm64: exit 1"
eq "$(field_of arch status)" fail "registry arm64 fails"
eq "$(field_of arch finding)" "$ARM is linux/arm64 in its registry, without linux/amd64; the daemon runs linux/amd64" \
  "registry finding"
has "$(field_of arch remedy)" "choose an image built for amd64" "registry remedy"
eq "$(data_of arch source)" registry "source registry"
check_json socket --image "$AMD" --socket "$WSL_A_SOCK"
eq "$(field_of arch status)" pass "registry amd64 passes"
eq "$(field_of arch finding)" "$AMD is not present; the registry has linux/amd64" "registry amd64 finding"

# a manifest list with both: the registry has linux/amd64
MT=application/vnd.docker.distribution.manifest.v2+json
MTL=application/vnd.docker.distribution.manifest.list.v2+json
entry() { # TAG ARCH: the list's entry for the manifest of TAG
  local h d s
  h=$(curl -fsSI -H "Accept: $MT" "$WSL_REGISTRY_URL/v2/$u/workspace/manifests/$1") || bad "HEAD $1"
  d=$(printf '%s' "$h" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
  s=$(printf '%s' "$h" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p')
  printf '{"mediaType":"%s","size":%s,"digest":"%s","platform":{"architecture":"%s","os":"linux"}}' "$MT" "$s" "$d" "$2"
}
list=$(printf '{"schemaVersion":2,"mediaType":"%s","manifests":[%s,%s]}' "$MTL" "$(entry arm64 arm64)" "$(entry amd64 amd64)")
curl -fsS -X PUT -H "Content-Type: $MTL" --data-binary "$list" "$WSL_REGISTRY_URL/v2/$u/workspace/manifests/multi" \
  >/dev/null || bad "PUT manifest list"
check_json socket --image "$WSL_REGISTRY/$u/workspace:multi" --socket "$WSL_A_SOCK"
eq "$(field_of arch status)" pass "manifest list passes"
eq "$(field_of arch finding)" "$WSL_REGISTRY/$u/workspace:multi is not present; the registry has linux/amd64 (of linux/arm64, linux/amd64)" \
  "manifest list finding"

# --- it cannot tell: skipped with the reason, never failed
check_json socket --image "$ARM" --socket "$WSL_A_SOCK" --pull never
eq "$(field_of arch status)" skip "--pull never: skip"
has "$(field_of arch finding)" "cannot tell: the image is not present and --pull never" "--pull never reason"
check_json socket --image "127.0.0.1:$WSL_FREE_PORT_4/$u/none:v1" --socket "$WSL_A_SOCK"
eq "$(field_of arch status)" skip "unreachable registry: skip"
has "$(field_of arch finding)" "cannot tell: the daemon cannot read the image in its registry" "unreachable reason"
