#!/bin/bash
# Issue 19: launches given only names run side by side: socket (twice),
# privileged, sysbox and dind on daemon A, rootless on daemon R.  Each gets
# its own web port (the first free from 8080: a port another container
# publishes is skipped; the shared daemon's other ports are not assumed
# free) and its own volumes, named after it; each is verified from inside;
# `ps --json` lists them with URLs that answer; `down --volumes` of one
# leaves the others running with /workspace intact; a relaunch of each is
# "already up".  Limits are asserted on the containers and in the exports.
. "$(dirname "$0")/../lib/peers.sh"
RK() { "$WSL_DOCKER" -H "$WSL_R_HOST" "$@"; }
common=(--yes --offline --pull never --verify-timeout 90)
limits=(--cpus 1.5 --memory 512m --pids-limit 512 --shm-size 128m)
s1=$(uname_ s1) s2=$(uname_ s2) pv=$(uname_ pv) sb=$(uname_ sb) dd=$(uname_ dd) rl=$(uname_ rl) blk=$(uname_ blk)
a_names=("$s1" "$s2" "$pv" "$sb" "$dd")
args_of() {
  case $1 in
    "$s1") echo "socket --socket $WSL_A_SOCK ${limits[*]}" ;;
    "$s2") echo "socket --socket $WSL_A_SOCK" ;;
    "$pv") echo "privileged" ;;
    "$sb") echo "sysbox" ;;
    "$dd") echo "dind --dind-image $WSL_DIND_IMAGE --dind-cpus 2 --dind-memory 1g" ;;
  esac
}
cleanup() {
  for n in "${a_names[@]}"; do "$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1; done
  DOCKER_HOST=$WSL_R_HOST XDG_RUNTIME_DIR=$WSL_R_RUNTIME_DIR "$WS_BIN" down --name "$rl" --volumes >/dev/null 2>&1
  DK rm -f "$blk" >/dev/null 2>&1
}
trap 'cleanup; t_cleanup' EXIT
DK pull "$WSL_DIND_IMAGE" >/dev/null 2>&1 || bad "cannot pull $WSL_DIND_IMAGE through the mirror"

# The port a launch would get now; a container then publishes it: skipped.
# shellcheck disable=SC2046
"$WS_BIN" up $(args_of "$s1") --name "$s1" --dry-run --offline >"$T_TMP/dry" 2>&1
taken=$(sed -n 's/.*-p 127\.0\.0\.1:\([0-9]*\):8080.*/\1/p' "$T_TMP/dry" | head -1)
[[ $taken =~ ^[0-9]+$ ]] && ok || { bad "dry run shows no chosen port"; cat "$T_TMP/dry" >&2; }
grep -q "note: web port $taken" "$T_TMP/dry" && ok || bad "dry run does not say the chosen port"
from=${WS_LAUNCH_WEB_PORT_FROM:-8080}
[ "${taken:-0}" -ge "$from" ] && ok || bad "the chosen port $taken is below the search's start $from"
# WS_LAUNCH_WEB_PORT_FROM moves where the search starts
# shellcheck disable=SC2046
WS_LAUNCH_WEB_PORT_FROM=$((from + 5000)) "$WS_BIN" up $(args_of "$s1") --name "$s1" --dry-run --offline >"$T_TMP/dry2" 2>&1
t2=$(sed -n 's/.*-p 127\.0\.0\.1:\([0-9]*\):8080.*/\1/p' "$T_TMP/dry2" | head -1)
[ "${t2:-0}" -ge $((from + 5000)) ] && grep -q "the first free from $((from + 5000))" "$T_TMP/dry2" && ok ||
  bad "WS_LAUNCH_WEB_PORT_FROM=$((from + 5000)): $(cat "$T_TMP/dry2")"
DK run -d --name "$blk" -p "127.0.0.1:$taken:8080" --entrypoint sleep "$WSL_WS_IMAGE" infinity >/dev/null ||
  bad "cannot publish $taken"

ports=()
for n in "${a_names[@]}"; do
  # shellcheck disable=SC2046
  "$WS_BIN" up $(args_of "$n") --name "$n" "${common[@]}" >"$T_TMP/up-$n" 2>"$T_TMP/err-$n"; rc=$?
  [ "$rc" -eq 0 ] && ok || { bad "up $n: exit $rc"; sed 's/^/    /' "$T_TMP/err-$n" >&2; }
  p=$(DK port "$n" 8080/tcp 2>/dev/null | sed -n 's/^127\.0\.0\.1://p' | head -1)
  ports+=("$p")
  grep -q "http://127.0.0.1:$p/" "$T_TMP/up-$n" && ok || bad "up $n: URL is not its port $p: $(cat "$T_TMP/up-$n")"
  [ "$p" != "$taken" ] && ok || bad "$n got $taken, which $blk publishes"
  DK exec "$n" docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && ok || bad "$n: docker inside"
  DK exec "$n" sh -c "echo $n > /workspace/mine" || bad "$n: cannot write /workspace"
  [ "$(DK inspect -f '{{range .Mounts}}{{if eq .Destination "/workspace"}}{{.Name}}{{end}}{{end}}' "$n")" = "$n" ] &&
    ok || bad "$n: /workspace is not the volume $n"
done
[ "$(DK volume inspect -f '{{.Name}}' "$pv-docker" 2>/dev/null)" = "$pv-docker" ] && ok || bad "privileged: no $pv-docker"
for o in "$dd-dind-data" "$dd-dind-certs"; do DK volume inspect "$o" >/dev/null 2>&1 && ok || bad "dind: no volume $o"; done
DK network inspect "$dd-dind" >/dev/null 2>&1 && ok || bad "dind: no network $dd-dind"
DK container inspect "$dd-dind" >/dev/null 2>&1 && ok || bad "dind: no sidecar $dd-dind"

# rootless on daemon R
(
  export DOCKER_HOST=$WSL_R_HOST XDG_RUNTIME_DIR=$WSL_R_RUNTIME_DIR
  "$WS_BIN" up rootless --name "$rl" "${common[@]}" >"$T_TMP/up-$rl" 2>"$T_TMP/err-$rl"
) && ok || { bad "up rootless: failed"; sed 's/^/    /' "$T_TMP/err-$rl" >&2; }
rp=$(RK port "$rl" 8080/tcp 2>/dev/null | sed -n 's/^127\.0\.0\.1://p' | head -1)
ports+=("$rp")
RK exec "$rl" docker version >/dev/null 2>&1 && ok || bad "rootless: docker inside"
RK exec "$rl" sh -c "echo $rl > /workspace/mine" || bad "rootless: cannot write /workspace"

# every launch its own port
uniq=$(printf '%s\n' "${ports[@]}" | grep -c . ; printf '%s\n' "${ports[@]}" | sort -u | grep -c .)
[ "$(echo "$uniq" | sort -u | wc -l)" = 1 ] && [ "${#ports[@]}" = 6 ] && ok || bad "ports are not distinct: ${ports[*]}"

# print shows the port up would choose; a port given and taken names its holder
nx=$(uname_ nx)
"$WS_BIN" print socket --socket "$WSL_A_SOCK" --name "$nx" >"$T_TMP/print" 2>&1
"$WS_BIN" up socket --socket "$WSL_A_SOCK" --name "$nx" --dry-run --offline >"$T_TMP/dry2" 2>&1
pp=$(sed -n 's/.*-p 127\.0\.0\.1:\([0-9]*\):8080.*/\1/p' "$T_TMP/print" | head -1)
dp=$(sed -n 's/.*-p 127\.0\.0\.1:\([0-9]*\):8080.*/\1/p' "$T_TMP/dry2" | head -1)
[ -n "$pp" ] && [ "$pp" = "$dp" ] && ok || bad "print chose port [$pp], up [$dp]"
printf '%s\n' "${ports[@]}" | grep -qx "$pp" && bad "print chose $pp, which a launch holds" || ok
"$WS_BIN" up socket --socket "$WSL_A_SOCK" --name "$nx" --port "${ports[0]}" --dry-run --offline >"$T_TMP/dry3" 2>&1; rc=$?
[ "$rc" -eq 1 ] && grep -q "check failed: port: 127.0.0.1:${ports[0]} is in use by the launch $s1" "$T_TMP/dry3" && ok ||
  bad "explicit taken port (exit $rc): $(cat "$T_TMP/dry3")"
"$WS_BIN" up socket --socket "$WSL_A_SOCK" --name "$nx" --port "$taken" --dry-run --offline >"$T_TMP/dry4" 2>&1
grep -q "127.0.0.1:$taken is in use by the container $blk" "$T_TMP/dry4" && ok || bad "port held by $blk: $(cat "$T_TMP/dry4")"

# ps --json lists them, and each URL answers
"$WS_BIN" ps --json >"$T_TMP/ps.json" 2>"$T_TMP/ps.err" || bad "ps --json failed: $(cat "$T_TMP/ps.err")"
for n in "${a_names[@]}"; do
  url=$(jq -r --arg n "$n" '.[] | select(.name == $n) | .url' "$T_TMP/ps.json")
  [ -n "$url" ] && [ "$url" != null ] && ok || bad "ps --json: no URL for $n"
  curl -sf --max-time 5 "$url" | grep -q "$WSL_WS_MARKER" && ok || bad "$n: $url does not answer"
done
curl -sf --max-time 5 "http://127.0.0.1:$rp/" | grep -q "$WSL_WS_MARKER" && ok || bad "rootless: web port $rp"

# the limits, on the containers
[ "$(DK inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.ShmSize}}' "$s1")" = \
  "1500000000 536870912 512 134217728" ] && ok ||
  bad "$s1 limits: $(DK inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.ShmSize}}' "$s1")"
[ "$(DK inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}' "$dd-dind")" = "2000000000 1073741824" ] && ok ||
  bad "sidecar limits: $(DK inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}' "$dd-dind")"
[ "$(DK inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}' "$s2")" = "0 0" ] && ok || bad "$s2 has limits it was not given"
# ... and in the exports, valid by the schemas
if command -v node >/dev/null && [ -d "$WS_SOURCE_DIR/tests/npm/node_modules" ]; then
  for fmt in compose kube; do
    # shellcheck disable=SC2046
    "$WS_BIN" print $(args_of "$s1") --name "$s1" --format $fmt >"$T_TMP/x.$fmt.yaml" 2>/dev/null
    node "$WS_SOURCE_DIR/tests/lib/export-check.cjs" $fmt "$T_TMP/x.$fmt.yaml" >/dev/null 2>&1 && ok || bad "$fmt export invalid"
  done
  grep -q "mem_limit: 512m" "$T_TMP/x.compose.yaml" && grep -q "cpus: 1.5" "$T_TMP/x.compose.yaml" && ok || bad "compose limits"
  grep -q "cpu: 1500m" "$T_TMP/x.kube.yaml" && grep -q "memory: 512Mi" "$T_TMP/x.kube.yaml" && ok || bad "kube limits"
else
  bad "node or tests/npm/node_modules missing: exports not validated"
fi

# down --volumes of one leaves every other running with its /workspace
"$WS_BIN" down --name "$s2" --volumes >/dev/null 2>&1 || bad "down $s2"
DK volume inspect "$s2" >/dev/null 2>&1 && bad "down --volumes kept $s2's volume" || ok
for n in "$s1" "$pv" "$sb" "$dd"; do
  [ "$(DK inspect -f '{{.State.Running}}' "$n")" = true ] && ok || bad "$n stopped by down of $s2"
  [ "$(DK exec "$n" cat /workspace/mine)" = "$n" ] && ok || bad "$n: /workspace lost"
done
[ "$(RK exec "$rl" cat /workspace/mine)" = "$rl" ] && ok || bad "rootless: /workspace lost"

# a relaunch of each: already up, on its port
for n in "$s1" "$pv" "$sb" "$dd"; do
  # shellcheck disable=SC2046
  "$WS_BIN" up $(args_of "$n") --name "$n" "${common[@]}" >"$T_TMP/re-$n" 2>"$T_TMP/reerr-$n"; rc=$?
  [ "$rc" -eq 0 ] && grep -q "already up" "$T_TMP/re-$n" && ok ||
    { bad "relaunch $n: exit $rc, not already up"; cat "$T_TMP/re-$n" "$T_TMP/reerr-$n" >&2; }
done
(export DOCKER_HOST=$WSL_R_HOST XDG_RUNTIME_DIR=$WSL_R_RUNTIME_DIR
 "$WS_BIN" up rootless --name "$rl" "${common[@]}" >"$T_TMP/re-$rl" 2>&1)
grep -q "already up" "$T_TMP/re-$rl" && ok || bad "relaunch rootless: $(cat "$T_TMP/re-$rl")"
