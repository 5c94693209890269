#!/bin/bash
# selftest.sh [DIR] -- acceptance test of the harness itself: up.sh, every verification below as a
# PASS/FAIL line with its duration, down.sh, leftover check. Exit 0 only if everything passed and the
# host is back to its snapshot. DIR defaults to a new $(mktemp -d /tmp/wsl-XXXX), removed when clean.
set -u
H=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$H/lib.sh"
WSL_LOG_TAG=selftest
T_ALL=$(now_ms)

DIR=${1:-}
OWN_DIR=0
if [ -z "$DIR" ]; then DIR=$(mktemp -d /tmp/wsl-XXXX) || exit 2; OWN_DIR=1; fi

PASS=0 FAIL=0
FAILED_NAMES=()
ok()  { PASS=$((PASS + 1)); printf 'PASS  %-62s %6d ms  %s\n' "$1" "$2" "${3:0:150}"; }
bad() { FAIL=$((FAIL + 1)); FAILED_NAMES+=("$1"); printf 'FAIL  %-62s %6d ms  %s\n' "$1" "$2" "${3:0:400}"; }
oneline() { tr '\n' ' ' | sed 's/  */ /g'; }
run_bounded() { # functions run as they are; external commands get a 90 s bound
  if declare -F "$1" >/dev/null; then "$@"; else timeout 90 "$@"; fi
}
# chk NAME CMD... -- expect success
chk() {
  local name=$1 t0 out rc; shift
  t0=$(now_ms); out=$(run_bounded "$@" 2>&1); rc=$?
  if [ "$rc" = 0 ]; then ok "$name" $(( $(now_ms) - t0 )) "$(printf '%s' "$out" | oneline)"
  else bad "$name" $(( $(now_ms) - t0 )) "rc=$rc $(printf '%s' "$out" | oneline)"; fi
}
# nchk NAME REGEX CMD... -- expect failure whose output matches REGEX (extended, case-insensitive)
nchk() {
  local name=$1 re=$2 t0 out rc; shift 2
  t0=$(now_ms); out=$(run_bounded "$@" 2>&1); rc=$?
  if [ "$rc" != 0 ] && grep -Eqi -- "$re" <<<"$out"; then
    ok "$name" $(( $(now_ms) - t0 )) "fails as expected: $(oneline <<<"$out" | grep -Eio -m1 -- ".{0,50}($re).{0,70}" | head -n1)"
  elif [ "$rc" = 0 ]; then bad "$name" $(( $(now_ms) - t0 )) "unexpectedly succeeded: $(printf '%s' "$out" | oneline)"
  else bad "$name" $(( $(now_ms) - t0 )) "failed, but not with /$re/: rc=$rc $(printf '%s' "$out" | oneline)"; fi
}

echo "== up.sh $DIR"
t0=$(now_ms)
"$H/up.sh" "$DIR"; rc=$?
UP_MS=$(( $(now_ms) - t0 ))
if [ "$rc" != 0 ]; then
  bad "up.sh" "$UP_MS" "rc=$rc (it tore down what it had started)"
  echo "RESULT: $PASS passed, $FAIL failed; up.sh failed"
  exit 1
fi
ok "up.sh" "$UP_MS" "$DIR/peers.env"
# shellcheck disable=SC1091
. "$DIR/peers.env"

DOWN_DONE=0
finish() {
  [ "$DOWN_DONE" = 1 ] && return
  DOWN_DONE=1
  echo "== down.sh $DIR"
  local t0 rc
  t0=$(now_ms)
  "$H/down.sh" "$DIR"; rc=$?
  DOWN_MS=$(( $(now_ms) - t0 ))
  if [ "$rc" = 0 ]; then ok "down.sh: teardown, host identical to snapshot.before" "$DOWN_MS" ""
  else bad "down.sh: leftovers (diff above, $DIR/leftovers.diff)" "$DOWN_MS" "rc=$rc"; fi
  # idempotence: a second call finds nothing to do and still reports a clean host
  t0=$(now_ms)
  if "$H/down.sh" "$DIR" >/dev/null 2>&1; then ok "down.sh again (idempotent)" $(( $(now_ms) - t0 )) ""
  else bad "down.sh again (idempotent)" $(( $(now_ms) - t0 )) "second call reported leftovers"; fi
  [ "$OWN_DIR" = 1 ] && [ "$FAIL" = 0 ] && rm -rf "$DIR"
  echo
  echo "TIMINGS: up ${UP_MS} ms, checks ${CHECK_MS:-?} ms, down ${DOWN_MS} ms, total $(( $(now_ms) - T_ALL )) ms"
  if [ "$FAIL" = 0 ]; then echo "RESULT: $PASS passed, 0 failed"
  else echo "RESULT: $PASS passed, $FAIL failed: ${FAILED_NAMES[*]}"; fi
}
trap 'finish; exit 130' INT TERM
trap 'finish' EXIT
T_CHECKS=$(now_ms)

DK=$WSL_DOCKER
dA() { "$DK" -H "$WSL_A_HOST" "$@"; }
dB() { "$DK" -H "$WSL_B_HOST" "$@"; }
dC() { "$DK" -H "$WSL_C_HOST" "$@"; }
IMG=$WSL_WS_IMAGE
BRIP=$WSL_A_BRIDGE_IP
info() { curl -sf --max-time 5 --unix-socket "$1" http://localhost/info; }
jqi() { info "$1" | jq -e "$2"; }

echo "== peers"
chk "A: /info runtimes sysbox-runc + default runc-nosysres + mirror" \
  jqi "$WSL_A_SOCK" "(.Runtimes[\"sysbox-runc\"].path == \"$WSL_A_SYSBOX_RUNTIME_PATH\") and .DefaultRuntime == \"runc-nosysres\" and (.RegistryConfig.Mirrors | index(\"$WSL_A_MIRROR/\") != null)"
sock_perm() { local s; s=$(stat -c '%a %g' "$WSL_A_SOCK"); echo "$s"; [ "$s" = "660 $WSL_A_SOCK_GID" ]; }
chk "A: socket 0660, gid $WSL_A_SOCK_GID" sock_perm
chk "A: plain front $WSL_A_TCP_HOST /_ping" curl -sf --max-time 5 "http://$BRIP:$WSL_A_TCP_PORT/_ping"
chk "A: TLS front $WSL_A_TLS_HOST /_ping (curl, client cert)" curl -sf --max-time 5 --cacert "$WSL_TLS_CA" \
  --cert "$WSL_TLS_CERT_DIR/cert.pem" --key "$WSL_TLS_CERT_DIR/key.pem" "https://$BRIP:$WSL_A_TLS_PORT/_ping"
chk "A: TLS front: docker --tlsverify version" env DOCKER_HOST="$WSL_A_TLS_HOST" DOCKER_TLS_VERIFY=1 \
  DOCKER_CERT_PATH="$WSL_TLS_CERT_DIR" "$DK" version --format '{{.Server.Version}}'
nchk "A: TLS front without client cert" "curl: \((35|55|56)\)" \
  curl -sS --max-time 5 --cacert "$WSL_TLS_CA" "https://$BRIP:$WSL_A_TLS_PORT/_ping"
nchk "A: TLS front with the wrong CA's certs" "certificate|unknown authority|x509|tls" \
  env DOCKER_HOST="$WSL_A_TLS_HOST" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$WSL_TLS_WRONG_CERT_DIR" "$DK" version
nchk "A: CN-only server cert rejected by the docker CLI (trap 16)" "IP SANs|Common Name" \
  env DOCKER_HOST="$WSL_A_TLS_CN_HOST" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$WSL_TLS_CERT_DIR" "$DK" version
chk "B: real TLS listener $WSL_B_TLS_HOST: docker --tlsverify version" env DOCKER_HOST="$WSL_B_TLS_HOST" \
  DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$WSL_TLS_CERT_DIR" "$DK" version --format '{{.Server.Version}}'
nchk "B: plain client against the TLS port" "HTTPS server" "$DK" -H "$WSL_B_TLS_HOST" version
chk "B: plain front $WSL_B_TCP_HOST: docker version" "$DK" -H "$WSL_B_TCP_HOST" version --format '{{.Server.Version}}'
nchk "B: --runtime=sysbox-runc (B has none)" "unknown runtime" dB run --rm --runtime=sysbox-runc "$IMG" true
chk "B: workspace image runs" dB run --rm "$IMG" id -u
chk "C: /info SecurityOptions has name=userns" jqi "$WSL_C_SOCK" '.SecurityOptions | any(test("name=userns"))'
chk "C: workspace runs under userns-remap (uid 1000 inside)" dC run --rm "$IMG" id -u
chk "C: dockremap user exists while C runs" getent passwd dockremap
chk "D: docker -H $WSL_SSH_URL_LO version (ssh wrapper first in PATH)" \
  env PATH="$WSL_SSH_BIN_DIR:$PATH" "$DK" -H "$WSL_SSH_URL_LO" version --format '{{.Server.Version}}'
chk "D: docker -H $WSL_SSH_URL_BRIDGE version" \
  env PATH="$WSL_SSH_BIN_DIR:$PATH" "$DK" -H "$WSL_SSH_URL_BRIDGE" version --format '{{.Server.Version}}'
nchk "D: wrong known_hosts is rejected" "host key|IDENTIFICATION HAS CHANGED|verification failed" \
  /usr/bin/ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$WSL_SSH_KNOWN_HOSTS_WRONG" \
  -o GlobalKnownHostsFile=/dev/null -i "$WSL_SSH_KEY" -p "$WSL_SSH_PORT" root@127.0.0.1 true
chk "D: remote login PATH finds /usr/bin/docker" env PATH="$WSL_SSH_BIN_DIR:$PATH" ssh -p "$WSL_SSH_PORT" root@127.0.0.1 'command -v docker'
chk "D: ssh-agent holds the key (root)" env SSH_AUTH_SOCK="$WSL_SSH_AUTH_SOCK" ssh-add -l
chk "D: ssh-agent usable by uid 1000" setpriv --reuid=1000 --regid=1000 --clear-groups env SSH_AUTH_SOCK="$WSL_SSH_AUTH_SOCK" ssh-add -l
blackhole() { local rc; curl -s --max-time 2 "http://$WSL_BLACKHOLE_ADDR/" >/dev/null; rc=$?; echo "curl rc=$rc (28 = connected, no answer)"; [ "$rc" = 28 ]; }
chk "E: blackhole $WSL_BLACKHOLE_ADDR accepts and never answers" blackhole
sbx() { local s; for s in sysmgr sysfs; do curl -s --max-time 0.3 --unix-socket "$WSL_SYSBOX_RUN_DIR/$s.sock" http://x/ >/dev/null; [ $? = 28 ] || return 1; done; echo "both accept"; }
chk "A: sysbox service socket stand-ins accept connections" sbx
tags() { local t; t=$(curl -sf --max-time 5 "$WSL_REGISTRY_URL/v2/kloudkit/workspace/tags/list" | jq -r '.tags | sort | join(" ")'); echo "$t"
         [ "$t" = "$(tr ' ' '\n' <<<"$WSL_WS_TAGS" | sort | paste -sd' ')" ]; }
chk "F: registry tags of kloudkit/workspace" tags
chk "F: registry catalog has library/docker" sh -c "curl -sf --max-time 5 '$WSL_REGISTRY_URL/v2/_catalog' | jq -e '.repositories | index(\"library/docker\")'"
chk "G: workspace image config (User 1000, entrypoint)" sh -c "$DK -H '$WSL_A_HOST' image inspect -f '{{.Config.User}} {{json .Config.Entrypoint}}' '$IMG' | grep -x '1000 .*ws-entrypoint\"]'"
nchk "G: docker:dind not pre-loaded on A" "no such image" dA image inspect docker:dind

echo "== workspace modes on A (containers started together, then polled)"
WSARGS=(-d --label dev.wsl.selftest=1)
declare -A STARTED=()   # container name -> time of its "docker run -d" (for "ready N ms after run")
run_ws() { local name=$1 dk=$2; shift 2; STARTED[$name]=$(now_ms); "$DK" -H "$dk" run "$@" >/dev/null; }
run_ws wsl-st-priv "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-priv --privileged -e WS_DOCKER_ENABLE_CLIENT=1 -v wsl-st-priv-docker:/var/lib/docker "$IMG"
run_ws wsl-st-sysbox "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-sysbox --runtime=sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 "$IMG"
run_ws wsl-st-sock "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-sock -v "$WSL_A_SOCK:/var/run/docker.sock:ro" --group-add "$WSL_A_SOCK_GID" -e WS_DOCKER_ENABLE_CLIENT=1 "$IMG"
run_ws wsl-st-socknog "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-socknog -v "$WSL_A_SOCK:/var/run/docker.sock:ro" -e WS_DOCKER_ENABLE_CLIENT=1 "$IMG"
run_ws wsl-st-tcp "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-tcp -e DOCKER_HOST="$WSL_A_TCP_HOST" -p "127.0.0.1:$WSL_FREE_PORT_1:8080" "$IMG"
run_ws wsl-st-tls "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-tls -e DOCKER_HOST="$WSL_A_TLS_HOST" -e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client \
  -v "$WSL_TLS_CERT_DIR:/certs/client:ro" "$IMG"
run_ws wsl-st-tlswrong "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-tlswrong -e DOCKER_HOST="$WSL_A_TLS_HOST" -e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client \
  -v "$WSL_TLS_WRONG_CERT_DIR:/certs/client:ro" "$IMG"
SSHARGS=(-e DOCKER_HOST="$WSL_SSH_URL_BRIDGE" -v "$WSL_SSH_AUTH_SOCK:/run/ssh-agent.sock" -e SSH_AUTH_SOCK=/run/ssh-agent.sock)
run_ws wsl-st-ssh "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-ssh "${SSHARGS[@]}" -v "$WSL_SSH_KNOWN_HOSTS:/home/kloud/.ssh/known_hosts:ro" "$IMG"
run_ws wsl-st-sshwrong "$WSL_A_HOST" "${WSARGS[@]}" --name wsl-st-sshwrong "${SSHARGS[@]}" -v "$WSL_SSH_KNOWN_HOSTS_WRONG:/home/kloud/.ssh/known_hosts:ro" "$IMG"

# poll_version CONTAINER [DAEMON_HOST] -- "docker version" from inside, as the image user (uid 1000), bounded 45 s
poll_version() {
  local i out
  for ((i = 0; i < 150; i++)); do
    out=$(timeout 20 "$DK" -H "${2:-$WSL_A_HOST}" exec "$1" docker version --format '{{.Server.Version}}' 2>&1) &&
      { echo "server $out${STARTED[$1]:+, answering $(( $(now_ms) - STARTED[$1] )) ms after docker run}"; return 0; }
    sleep 0.3
  done
  echo "$out"; return 1
}
exec_version() { timeout 30 "$DK" -H "$WSL_A_HOST" exec "$1" docker version --format '{{.Server.Version}}'; }
ids() { local o; o=$(dA exec "$1" id); echo "$o"; grep -q 'uid=1000(kloud).*990(docker)' <<<"$o"; }
chk "privileged: exec runs as kloud (uid 1000, group docker 990)" ids wsl-st-priv
chk "privileged + WS_DOCKER_ENABLE_CLIENT: inner dockerd, docker version as uid 1000" poll_version wsl-st-priv
chk "sysbox-runc stand-in (not privileged): inner dockerd, docker version" poll_version wsl-st-sysbox
unpriv() { local o; o=$(dA inspect -f '{{.HostConfig.Privileged}} {{.HostConfig.Runtime}}' wsl-st-sysbox); echo "$o"; [ "$o" = "false sysbox-runc" ]; }
chk "sysbox-runc stand-in: HostConfig.Privileged=false Runtime=sysbox-runc" unpriv
chk "sysbox-runc stand-in: inner overlay2 on the per-container /var/lib/docker" \
  sh -c "$DK -H '$WSL_A_HOST' exec wsl-st-sysbox docker info --format '{{.Driver}}' | grep -x overlay2"
chk "socket mode + --group-add $WSL_A_SOCK_GID: docker version" poll_version wsl-st-sock
nchk "socket mode without --group-add" "permission denied" exec_version wsl-st-socknog
chk "tcp mode $WSL_A_TCP_HOST: docker version" poll_version wsl-st-tcp
chk "tcp+TLS mode $WSL_A_TLS_HOST (certs mounted ro): docker version" poll_version wsl-st-tls
nchk "tcp+TLS mode with the wrong CA's certs" "certificate|x509|tls|authority" exec_version wsl-st-tlswrong
chk "ssh mode $WSL_SSH_URL_BRIDGE + forwarded agent: docker version" poll_version wsl-st-ssh
nchk "ssh mode with a wrong known_hosts" "host key|verification failed|IDENTIFICATION" exec_version wsl-st-sshwrong
web() { local ip; ip=$(dA inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' wsl-st-tcp)
        wait_until 10 sh -c "curl -sf --max-time 2 http://$ip:8080/ | grep -q '$WSL_WS_MARKER'" && echo "http://$ip:8080/ ok"; }
chk "web: http://<container ip>:8080/ serves the stand-in page" web
chk "web: published 127.0.0.1:$WSL_FREE_PORT_1 -> 8080" \
  wait_until 10 sh -c "curl -sf --max-time 2 http://127.0.0.1:$WSL_FREE_PORT_1/ | grep -q '$WSL_WS_MARKER'"
fast_stop() { local t0 ms; t0=$(now_ms); dA stop wsl-st-tcp >/dev/null || return 1; ms=$(( $(now_ms) - t0 )); echo "docker stop took $ms ms"; [ "$ms" -lt 4000 ]; }
chk "workspace PID 1 handles SIGTERM (docker stop < 4 s)" fast_stop
fast_rm() { local t0 ms; t0=$(now_ms); dA rm -f wsl-st-priv wsl-st-sysbox >/dev/null || return 1; ms=$(( $(now_ms) - t0 )); echo "rm -f of 2 nested-dockerd workspaces took $ms ms"; [ "$ms" -lt 8000 ]; }
chk "rm -f of the nested-dockerd workspaces is fast" fast_rm
sysbox_clean() { local n; n=$(find "$WSL_DIR/a/sysbox" -mindepth 1 -maxdepth 1 | wc -l); echo "$n data dirs left"; [ "$n" = 0 ]; }
chk "sysbox-runc stand-in removed its /var/lib/docker dir on delete" sysbox_clean

echo "== dind sidecar on A (docker:dind pulled through the registry mirror)"
chk "pull docker:dind via registry-mirrors" dA pull -q docker:dind
chk "network create wsl-st-dind" dA network create wsl-st-dind
DIND_T0=$(now_ms)   # readiness of the sidecars is measured from here
chk "dind sidecar (TLS, --network-alias docker)" dA run -d --label dev.wsl.selftest=1 --privileged --name wsl-st-dind --network wsl-st-dind \
  --network-alias docker -e DOCKER_TLS_CERTDIR=/certs -v wsl-st-dind-certs:/certs/client docker:dind
chk "dind sidecar (no TLS: DOCKER_TLS_CERTDIR=)" dA run -d --label dev.wsl.selftest=1 --privileged --name wsl-st-dind2 \
  --network wsl-st-dind -e DOCKER_TLS_CERTDIR= docker:dind
run_ws wsl-st-dindws "$WSL_A_HOST" -d --label dev.wsl.selftest=1 --name wsl-st-dindws --network wsl-st-dind -e DOCKER_HOST=tcp://docker:2376 \
  -e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v wsl-st-dind-certs:/certs/client:ro "$IMG"
run_ws wsl-st-dindws2 "$WSL_A_HOST" -d --label dev.wsl.selftest=1 --name wsl-st-dindws2 --network wsl-st-dind -e DOCKER_HOST=tcp://wsl-st-dind2:2375 "$IMG"
STARTED[wsl-st-dindws]=$DIND_T0; STARTED[wsl-st-dindws2]=$DIND_T0
chk "workspace -> tcp://docker:2376 (TLS, shared client certs): docker version" poll_version wsl-st-dindws
chk "workspace -> tcp://wsl-st-dind2:2375 (no TLS): docker version" poll_version wsl-st-dindws2
keymode() { local m; m=$(dA exec wsl-st-dindws stat -c '%a' /certs/client/key.pem); echo "key.pem mode $m"; [ "$m" = 644 ]; }
chk "dind client key.pem is 0644 (readable by uid 1000)" keymode
san() { dA exec wsl-st-dind openssl x509 -in /certs/server/cert.pem -noout -ext subjectAltName | tail -n1 | grep 'DNS:docker' | grep 'DNS:localhost' | grep 'IP Address:'; }
chk "dind server cert SANs (IPs, hostname, docker, localhost)" san
fast_stop_dind() { local t0 ms; t0=$(now_ms); dA stop wsl-st-dind2 >/dev/null || return 1; ms=$(( $(now_ms) - t0 )); echo "docker stop took $ms ms"; [ "$ms" -lt 6000 ]; }
chk "dind sidecar stops promptly on SIGTERM" fast_stop_dind
echo "== daemon C (userns-remap): privileged mode needs --userns=host"
nchk "C: --privileged without --userns=host is refused" "userns|user namespace" \
  dC run --rm --privileged "$IMG" true
chk "C: run --privileged --userns=host + WS_DOCKER_ENABLE_CLIENT" dC run -d --label dev.wsl.selftest=1 --name wsl-st-cpriv \
  --privileged --userns=host -e WS_DOCKER_ENABLE_CLIENT=1 -v wsl-st-cpriv-docker:/var/lib/docker "$IMG"
hostns() { local o; o=$(dC exec -u 0 wsl-st-cpriv sh -c 'grep CapEff /proc/self/status; cat /proc/self/uid_map' | oneline); echo "$o"
           grep -q '0000003ffeffffff' <<<"$o" && grep -Eq ' 0 +0 +4294967295' <<<"$o"; }
chk "C: --userns=host workspace: root in the host user namespace, full caps" hostns
# Documented limitation (see README): on a remapped daemon the image layers are stored chowned to the
# remapped root, and --userns=host does not undo that: setuid-root binaries (sudo in the real image, the
# helper here) are setuid 100000, so the non-root entrypoint cannot start an inner dockerd.
owner() { local u; u=$(dC exec wsl-st-cpriv stat -c %u /usr/local/sbin/wsl-rootcmd); echo "wsl-rootcmd owned by uid $u"; [ "$u" != 0 ]; }
chk "C: --userns=host: image files stay owned by the remapped root (limitation)" owner
CHECK_MS=$(( $(now_ms) - T_CHECKS ))

finish
[ "$FAIL" = 0 ]
