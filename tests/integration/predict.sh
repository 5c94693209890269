#!/bin/bash
# Issue 9.2: a verdict that predicts `up`.  For each host condition, `check
# MODE` and then `up MODE --force` (past the checks, so the launch is really
# tried): "ready" must mean the launch succeeds, "not ready" that it fails,
# for the reason the check gave.  Everything the launch made is removed.
. "$(dirname "$0")/../lib/peers.sh"
export SSH_AUTH_SOCK=$WSL_SSH_AUTH_SOCK PATH=$WSL_SSH_BIN_DIR:$PATH
J=$T_TMP/check.json
status_of() { jq -r --arg id "$1" '.checks[] | select(.id==$id) | .status' "$J"; }
finding_of() { jq -r --arg id "$1" '.checks[] | select(.id==$id) | .finding' "$J"; }
port=$WSL_FREE_PORT_4
# predict NAME MODE FAILING-CHECK CHECK-WORDS UP-WORDS ARGS...: check MODE is
# not ready because FAILING-CHECK says CHECK-WORDS, and up fails saying
# UP-WORDS; with FAILING-CHECK "-": check is ready and up succeeds.
predict() {
  local name=$1 mode=$2 failing=$3 cwords=$4 uwords=$5; shift 5
  local n; n=$(uname_ "p$((++k))")
  local args=(--name "$n" --volume "$n-ws" --port "$port" "$@")
  "$WS_BIN" check "$mode" "${args[@]}" --json --offline --timeout 3 >"$J" 2>/dev/null
  local crc=$?
  schema_ok check.schema.json "$J" "$name: check"
  "$WS_BIN" up "$mode" "${args[@]}" --yes --offline --force --verify-timeout 20 >"$T_TMP/up.out" 2>"$T_TMP/up.err"
  local urc=$?
  if [ "$failing" = - ]; then
    [ "$crc" -eq 0 ] && ok || bad "$name: check says not ready: $(jq -c '[.checks[] | select(.status == "fail") | {id, finding}]' "$J")"
    [ "$urc" -eq 0 ] && ok || bad "$name: check said ready, up failed: $(tail -3 "$T_TMP/up.err")"
  else
    [ "$crc" -eq 1 ] && ok || bad "$name: check says ready (exit $crc)"
    [ "$(status_of "$failing")" = fail ] && ok || bad "$name: $failing is $(status_of "$failing"): $(finding_of "$failing")"
    case $(finding_of "$failing") in *"$cwords"*) ok ;; *) bad "$name: $failing finding lacks [$cwords]: $(finding_of "$failing")" ;; esac
    [ "$urc" -ne 0 ] && ok || bad "$name: check said not ready, up succeeded"
    grep -qF -- "$uwords" "$T_TMP/up.err" && ok || bad "$name: up failed otherwise than predicted ([$uwords]): $(tail -3 "$T_TMP/up.err")"
  fi
  "$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
  [ -z "$(labelled "$n")" ] && ok || bad "$name: left $(labelled "$n")"
}
k=0
absent=$WSL_REGISTRY/kloudkit/workspace:v0.1.0
DK rmi "$absent" >/dev/null 2>&1

predict "ready: socket, image present" socket - "" "" --socket "$WSL_A_SOCK"
predict "image absent, --pull never" socket image "--pull never forbids pulling it" "No such image" \
  --socket "$WSL_A_SOCK" --image "$absent" --pull never
predict "image absent, registry unreachable" socket image "the daemon cannot pull it" "connection refused" \
  --socket "$WSL_A_SOCK" --image "127.0.0.1:1/kloudkit/workspace:v0.1.0"
predict "image absent, no such tag" socket image "manifest unknown" "manifest unknown" \
  --socket "$WSL_A_SOCK" --image "$WSL_REGISTRY/kloudkit/workspace:v9.9.9"
predict "ready: image absent, pullable from its registry" socket - "" "" --socket "$WSL_A_SOCK" --image "$absent"
DK rmi "$absent" >/dev/null 2>&1
predict "dind image absent and unpullable" dind dind.image "the daemon cannot pull it" "connection refused" \
  --dind-image "127.0.0.1:1/docker:dind" --network "$(uname_ pn)" --sidecar "$(uname_ ps)" \
  --data-volume "$(uname_ pd)" --certs-volume "$(uname_ pc)"
predict "tcp host on loopback" tcp tcp.reach "is this machine's loopback" "docker does not work inside the workspace" \
  --host 127.0.0.1 --tcp-port "$WSL_B_TCP_PORT" --no-tls
predict "ready: tcp host on the bridge" tcp - "" "" --host "$WSL_A_BRIDGE_IP" --tcp-port "$WSL_A_TCP_PORT" --no-tls
predict "ssh host on loopback" ssh ssh.remote "is this machine's loopback" "docker does not work inside the workspace" \
  --host 127.0.0.1 --ssh-port "$WSL_SSH_PORT" --ssh-user root --ssh-auth agent --known-hosts "$WSL_SSH_KNOWN_HOSTS"

# the web port taken
socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork /dev/null &
sp=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
predict "web port taken" socket port "127.0.0.1:$port is in use" "address already in use" --socket "$WSL_A_SOCK"
kill "$sp"; wait "$sp" 2>/dev/null

# a foreign object under the launch's names
fn=$(uname_ "p$((k + 1))")
DK run -d --name "$fn" "$WSL_WS_IMAGE" >/dev/null
predict "foreign container under the name" socket names "exists and is not from this launch" "was not created by this launch" \
  --socket "$WSL_A_SOCK"
DK rm -f "$fn" >/dev/null

# --- check --deep: a trial container with the mode's privileges, removed after
deep() { "$WS_BIN" check "$@" --deep --json --offline >"$J" 2>/dev/null; schema_ok check.schema.json "$J" "check --deep $*"; }
deep socket --socket "$WSL_A_SOCK"
[ "$(status_of deep)" = pass ] && ok || bad "deep socket: $(finding_of deep)"
case $(finding_of deep) in *"--group-add $WSL_A_SOCK_GID"*) ok ;; *) bad "deep socket lacks the group: $(finding_of deep)" ;; esac
deep privileged
[ "$(status_of deep)" = pass ] && ok || bad "deep privileged: $(finding_of deep)"
deep sysbox
[ "$(status_of deep)" = pass ] && ok || bad "deep sysbox: $(finding_of deep)"
# daemon C remaps user namespaces: the trial adds --userns host, as the launch does; and there the
# image's files belong to the remapped root, so the workspace cannot become root to start its dockerd
DOCKER_HOST=$WSL_C_HOST deep privileged
[ "$(status_of deep)" = fail ] && ok || bad "deep privileged on C: $(status_of deep) $(finding_of deep)"
case $(jq -r '.checks[] | select(.id=="deep") | .data.privileges' "$J") in *"--userns host"*) ok ;;
  *) bad "deep on C without --userns host: $(cat "$J")" ;; esac
case $(finding_of deep) in *"no dockerd runs in the container"*"cannot become root"*) ok ;;
  *) bad "deep on C: not the reason: $(finding_of deep)" ;; esac
[ "$(jq -r '.checks[] | select(.id=="deep") | .data.cause' "$J")" = "becoming root" ] && ok || bad "deep on C: cause"
# daemon B has no sysbox runtime: the daemon's own refusal
DOCKER_HOST=$WSL_B_HOST deep sysbox
[ "$(status_of deep)" = fail ] && ok || bad "deep sysbox on B: $(status_of deep)"
case $(finding_of deep) in *"Error response from daemon: Unknown runtime specified sysbox-runc"*) ok ;;
  *) bad "deep sysbox on B: not the daemon's words: $(finding_of deep)" ;; esac
[ -z "$(DK ps -aq --filter label=ws-launch.deep)" ] && ok || bad "a trial container was left"
"$WS_BIN" check --deep >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "check --deep without a mode is not a usage error"

# print shows a pull step exactly when up would run one (and the wizard's Review, which
# knows from the checks): the present image has none, an absent tag has one
"$WS_BIN" print socket --socket "$WSL_A_SOCK" --group "$WSL_A_SOCK_GID" >"$T_TMP/p.sh" 2>/dev/null
! grep -q '^docker pull' "$T_TMP/p.sh" && ok || bad "print: a pull step for an image the daemon has"
"$WS_BIN" print socket --socket "$WSL_A_SOCK" --group "$WSL_A_SOCK_GID" --image "$WSL_REGISTRY/kloudkit/workspace:v0.4.0" \
  >"$T_TMP/p2.sh" 2>/dev/null
grep -q "^docker pull $WSL_REGISTRY/kloudkit/workspace:v0.4.0" "$T_TMP/p2.sh" && ok || bad "print: no pull step for an absent image: $(cat "$T_TMP/p2.sh")"
DOCKER_HOST=unix://$T_TMP/none.sock "$WS_BIN" print socket --socket "$WSL_A_SOCK" --group 1 >"$T_TMP/p3.sh" 2>/dev/null
grep -q '^docker pull' "$T_TMP/p3.sh" && ok || bad "print without a daemon: the pull step must stay (unknown)"
