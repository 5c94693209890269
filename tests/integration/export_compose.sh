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
  docker-compose -p "$name" -f "$T_TMP/c.yaml" down -v >/dev/null 2>&1 && ok || bad "compose down $mode"
  eq "$(labelled "$name")" "" "$mode via compose: down left nothing"
}
run_compose socket --socket "$WSL_A_SOCK"
run_compose dind --network "$(uname_ cnet)" --sidecar "$(uname_ cside)" --data-volume "$(uname_ cdd)" --certs-volume "$(uname_ ccerts)"
