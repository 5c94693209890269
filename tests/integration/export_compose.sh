#!/bin/bash
# Issue 6: Debian's docker-compose validates the Compose file of every mode,
# and for socket and dind `docker-compose up -d` against the test daemon
# gives a workspace where docker works inside (the same verification as up).
. "$(dirname "$0")/../lib/peers.sh"
export SSH_AUTH_SOCK=$WSL_SSH_AUTH_SOCK
command -v docker-compose >/dev/null && ok || { bad "docker-compose is not installed"; exit 1; }
port=$WSL_FREE_PORT_3
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }

validate() {
  local mode=$1; shift
  "$WS_BIN" print "$mode" --format compose "$@" > "$T_TMP/$mode.yaml" 2>"$T_TMP/err" && ok || bad "print $mode compose: $(cat "$T_TMP/err")"
  docker-compose -f "$T_TMP/$mode.yaml" config -q 2>"$T_TMP/err" && ok || bad "compose config $mode: $(cat "$T_TMP/err")"
}
validate sysbox
validate privileged
validate socket --socket "$WSL_A_SOCK"
validate tcp --host "$WSL_A_BRIDGE_IP" --tcp-port "$WSL_A_TLS_PORT" --tls --cert-dir "$WSL_TLS_CERT_DIR"
validate ssh --host "$WSL_A_BRIDGE_IP" --ssh-port "$WSL_SSH_PORT" --ssh-user root --known-hosts "$WSL_SSH_KNOWN_HOSTS"
validate dind
# The Compose Specification form: no top-level version; --pull as pull_policy.
"$WS_BIN" print socket --socket "$WSL_A_SOCK" --format compose --pull never >"$T_TMP/p.yaml" 2>/dev/null
grep -q '^version:' "$T_TMP/p.yaml" && bad "compose: top-level version written" || ok
eq "$(docker-compose -f "$T_TMP/p.yaml" config 2>/dev/null | grep -c 'pull_policy: never')" 1 "compose config keeps pull_policy"

run_compose() {
  local mode=$1 name; shift
  name=$(uname_ "c$mode")
  "$WS_BIN" print "$mode" --format compose --name "$name" --volume "$name-ws" --port "$port" "$@" > "$T_TMP/c.yaml"
  docker-compose -p "$name" -f "$T_TMP/c.yaml" up -d >"$T_TMP/up.log" 2>&1 && ok || { bad "compose up $mode"; cat "$T_TMP/up.log" >&2; }
  local v=""
  for _ in $(seq 60); do v=$(DK exec "$name" docker version --format '{{.Server.Version}}' 2>/dev/null) && [ -n "$v" ] && break; sleep 0.5; done
  eq "$v" "$(DK version --format '{{.Server.Version}}')" "$mode via compose: docker inside"
  curl -sf --max-time 5 "http://127.0.0.1:$port/" | grep -q "$WSL_WS_MARKER" && ok || bad "$mode via compose: web page"
  eq "$(DK inspect -f '{{index .Config.Labels "ws-launch.launch"}}' "$name")" "$name" "$mode via compose: label"
  # Everything Compose made carries the launch label -- its default
  # network too -- so `ws-launch down` removes all of it (the socket run),
  # and so does `docker-compose down` (the dind run).
  if [ "$mode" = socket ]; then
    "$WS_BIN" down --name "$name" --volumes >"$T_TMP/down.log" 2>&1 && ok || { bad "ws-launch down after compose"; cat "$T_TMP/down.log" >&2; }
  else
    docker-compose -p "$name" -f "$T_TMP/c.yaml" down -v >/dev/null 2>&1 && ok || bad "compose down $mode"
  fi
  eq "$(labelled "$name")" "" "$mode via compose: down left nothing labelled"
  eq "$(DK network ls -q --filter "name=^${name}_")" "" "$mode via compose: no network of the project left"
  eq "$(DK ps -aq --filter "name=^${name}")" "" "$mode via compose: no container left"
}
run_compose socket --socket "$WSL_A_SOCK"
run_compose dind --network "$(uname_ cnet)" --sidecar "$(uname_ cside)" --data-volume "$(uname_ cdd)" --certs-volume "$(uname_ ccerts)"
