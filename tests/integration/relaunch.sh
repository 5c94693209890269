#!/bin/bash
# Issue 9.3: every object of a launch carries its mode and the digest of
# its normalised launch; `up` over a launch made with other options never
# says "already up": it names what changed and exits 1 touching nothing,
# unless --recreate, which replaces the containers and keeps the volumes
# (a file in /workspace survives), verified as a first launch.
. "$(dirname "$0")/../lib/peers.sh"
p1=$WSL_FREE_PORT_1 p2=$WSL_FREE_PORT_2
name=$(uname_ rl)
common=(--name "$name" --volume "$name-ws" --pull never --yes --offline --verify-timeout 60)
up() { "$WS_BIN" up "$@" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?; }
cid() { DK inspect -f '{{.Id}}' "$1" 2>/dev/null; }

# ---- socket -------------------------------------------------------------------
up socket --socket "$WSL_A_SOCK" --port "$p1" "${common[@]}"
[ "$rc" -eq 0 ] && ok || { bad "first up: exit $rc"; cat "$T_TMP/err" >&2; }
digest=$(DK inspect -f '{{index .Config.Labels "ws-launch.digest"}}' "$name")
[[ $digest =~ ^[0-9a-f]{16}$ ]] && ok || bad "container digest label: [$digest]"
[ "$(DK inspect -f '{{index .Config.Labels "ws-launch.mode"}}' "$name")" = socket ] && ok || bad "container mode label"
[ "$(DK volume inspect -f '{{index .Labels "ws-launch.digest"}} {{index .Labels "ws-launch.mode"}}' "$name-ws")" = "$digest socket" ] &&
  ok || bad "volume labels: $(DK volume inspect -f '{{json .Labels}}' "$name-ws")"
DK exec "$name" sh -c 'echo kept > /workspace/file'
first=$(cid "$name")

up socket --socket "$WSL_A_SOCK" --port "$p1" "${common[@]}"
[ "$rc" -eq 0 ] && grep -q "already up" "$T_TMP/out" && ok || bad "same options: not 'already up' (exit $rc): $(cat "$T_TMP/out")"

up socket --socket "$WSL_A_SOCK" --port "$p2" "${common[@]}"
[ "$rc" -eq 1 ] && ok || bad "changed port: exit $rc, want 1"
grep -q "already up" "$T_TMP/out" && bad "changed port reported as already up" || ok
grep -qF "  publish 127.0.0.1:$p1:8080 -> 127.0.0.1:$p2:8080" "$T_TMP/err" && ok || bad "changed port: no diff line: $(cat "$T_TMP/err")"
grep -q -- "--recreate" "$T_TMP/err" && ok || bad "changed port: no --recreate hint"
[ "$(cid "$name")" = "$first" ] && ok || bad "changed port without --recreate replaced the container"
DK volume inspect "$name-ws" >/dev/null 2>&1 && ok || bad "changed port without --recreate removed the volume"

up socket --socket "$WSL_A_SOCK" --port "$p2" -e WSL_RELAUNCH=1 --recreate "${common[@]}"
[ "$rc" -eq 0 ] && ok || { bad "--recreate: exit $rc"; cat "$T_TMP/err" >&2; }
[ "$(cid "$name")" != "$first" ] && ok || bad "--recreate kept the old container"
[ "$(DK port "$name" 8080/tcp)" = "127.0.0.1:$p2" ] && ok || bad "--recreate: port is $(DK port "$name" 8080/tcp)"
[ "$(DK exec "$name" cat /workspace/file)" = kept ] && ok || bad "--recreate lost /workspace"
curl -sf --max-time 5 "http://127.0.0.1:$p2/" >/dev/null && ok || bad "--recreate: web port"
[ "$(DK inspect -f '{{index .Config.Labels "ws-launch.digest"}}' "$name")" != "$digest" ] && ok || bad "--recreate: digest not updated"
"$WS_BIN" down --name "$name" --volumes >/dev/null 2>&1
[ -z "$(labelled "$name")" ] && ok || bad "down left: $(labelled "$name")"

# ---- dind: both containers replaced, the inner daemon's data volume kept -----------
# (--pull never below: the sidecar image must be on A whichever test ran before)
DK pull "$WSL_DIND_IMAGE" >/dev/null 2>&1 || bad "cannot pull $WSL_DIND_IMAGE through the mirror"
dn=$(uname_ rd)
dargs=(--name "$dn" --volume "$dn-ws" --network "$dn-net" --sidecar "$dn-side" --data-volume "$dn-dd"
       --certs-volume "$dn-dc" --pull never --yes --offline --verify-timeout 60)
up dind --port "$p1" "${dargs[@]}"
[ "$rc" -eq 0 ] && ok || { bad "dind up: exit $rc"; cat "$T_TMP/err" >&2; }
side=$(cid "$dn-side")
DK exec "$dn-side" sh -c 'echo inner > /var/lib/docker/marker'
up dind --port "$p1" -e WSL_RELAUNCH=2 "${dargs[@]}"
[ "$rc" -eq 1 ] && ok || bad "dind changed env: exit $rc, want 1"
grep -qF "  env.WSL_RELAUNCH added" "$T_TMP/err" && ok || bad "dind: no env diff line: $(cat "$T_TMP/err")"
grep -q "WSL_RELAUNCH=2\|=2" "$T_TMP/err" && bad "the diff shows an env value" || ok
up dind --port "$p1" -e WSL_RELAUNCH=2 --recreate "${dargs[@]}"
[ "$rc" -eq 0 ] && ok || { bad "dind --recreate: exit $rc"; cat "$T_TMP/err" >&2; }
[ "$(cid "$dn-side")" != "$side" ] && ok || bad "dind --recreate kept the old sidecar"
[ "$(DK exec "$dn-side" cat /var/lib/docker/marker 2>/dev/null)" = inner ] && ok || bad "dind --recreate lost the data volume"
[ "$(DK exec "$dn" sh -c 'echo $WSL_RELAUNCH')" = 2 ] && ok || bad "dind --recreate: new env not in the workspace"
"$WS_BIN" down --name "$dn" --volumes >/dev/null 2>&1
[ -z "$(labelled "$dn")" ] && ok || bad "dind down left: $(labelled "$dn")"
