#!/bin/bash
# Issue 4: for each mode but rootless (tests/integration/rootless.sh, daemon R), `up` runs the real plan against daemon
# A and verification passes from inside; `down` leaves nothing of the launch;
# a second `up` is idempotent.
. "$(dirname "$0")/../lib/peers.sh"
export SSH_AUTH_SOCK=$WSL_SSH_AUTH_SOCK PATH=$WSL_SSH_BIN_DIR:$PATH
port=$WSL_FREE_PORT_1
up_mode() {
  local mode=$1 name; shift
  name=$(uname_ "$mode")
  # -e NAME without a value: passed through from this environment, as docker does
  export WSL_PT="passed through to $mode"
  set -- --volume "$name-ws" -e WSL_PT "$@"
  "$WS_BIN" up "$mode" --yes --offline --name "$name" --port "$port" --verify-timeout 60 "$@" \
    >"$T_TMP/up.out" 2>"$T_TMP/up.err"; rc=$?
  [ "$rc" -eq 0 ] && ok || { bad "up $mode: exit $rc"; sed 's/^/    /' "$T_TMP/up.err" >&2; }
  grep -q "http://127.0.0.1:$port/" "$T_TMP/up.out" && ok || bad "up $mode: no URL in: $(cat "$T_TMP/up.out")"
  grep -q "Docker 20.10" "$T_TMP/up.out" && ok || bad "up $mode: no inner docker version: $(cat "$T_TMP/up.out")"
  # independently: docker inside works, the page answers, the labels are there
  DK exec "$name" docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && ok || bad "$mode: docker exec check"
  curl -sf --max-time 5 "http://127.0.0.1:$port/" | grep -q "$WSL_WS_MARKER" && ok || bad "$mode: web page"
  got=$(DK exec "$name" sh -c 'echo "$WSL_PT"')
  [ "$got" = "$WSL_PT" ] && ok || bad "$mode: -e WSL_PT not passed through: [$got]"
  [ "$(DK inspect -f '{{index .Config.Labels "ws-launch.launch"}}' "$name")" = "$name" ] && ok || bad "$mode: label"
  case $mode in
    sysbox) [ "$(DK inspect -f '{{.HostConfig.Runtime}}' "$name")" = sysbox-runc ] && ok || bad "sysbox runtime" ;;
    privileged) [ "$(DK inspect -f '{{.HostConfig.Privileged}}' "$name")" = true ] && ok || bad "privileged flag" ;;
    socket) [ "$(DK inspect -f '{{.HostConfig.GroupAdd}}' "$name")" = "[$WSL_A_SOCK_GID]" ] && ok || bad "group-add" ;;
  esac
  # idempotent relaunch: reported, not failed, nothing new
  before=$(labelled "$name" | sort)
  "$WS_BIN" up "$mode" --yes --offline --name "$name" --port "$port" --verify-timeout 60 "$@" \
    >"$T_TMP/up2.out" 2>"$T_TMP/up2.err"; rc=$?
  [ "$rc" -eq 0 ] && ok || { bad "second up $mode: exit $rc"; cat "$T_TMP/up2.err" >&2; }
  grep -q "already up" "$T_TMP/up2.out" && ok || bad "second up $mode not reported as running: $(cat "$T_TMP/up2.out")"
  [ "$(labelled "$name" | sort)" = "$before" ] && ok || bad "second up $mode changed the objects"
  # down removes everything of the launch (with --volumes)
  "$WS_BIN" down --name "$name" --volumes >"$T_TMP/down.out" 2>"$T_TMP/down.err"; rc=$?
  [ "$rc" -eq 0 ] && ok || { bad "down $mode: exit $rc"; cat "$T_TMP/down.err" >&2; }
  [ -z "$(labelled "$name")" ] && ok || bad "down $mode left: $(labelled "$name")"
}

# a foreign container that must survive every down
DK run -d --name "$(uname_ foreign)" "$WSL_WS_IMAGE" >/dev/null
foreign_id=$(DK inspect -f '{{.Id}}' "$(uname_ foreign)")

up_mode sysbox
up_mode privileged
up_mode socket --socket "$WSL_A_SOCK"
up_mode tcp --host "$WSL_A_BRIDGE_IP" --tcp-port "$WSL_A_TCP_PORT" --no-tls
up_mode tcp --host "$WSL_A_BRIDGE_IP" --tcp-port "$WSL_A_TLS_PORT" --tls --cert-dir "$WSL_TLS_CERT_DIR"
up_mode ssh --host "$WSL_A_BRIDGE_IP" --ssh-port "$WSL_SSH_PORT" --ssh-user root --ssh-auth agent \
  --known-hosts "$WSL_SSH_KNOWN_HOSTS"
up_mode dind --network "$(uname_ net)" --sidecar "$(uname_ side)" --data-volume "$(uname_ dd)" \
  --certs-volume "$(uname_ dc)"

[ "$(DK inspect -f '{{.Id}} {{.State.Running}}' "$(uname_ foreign)")" = "$foreign_id true" ] && ok || bad "foreign container touched"
DK rm -f "$(uname_ foreign)" >/dev/null
