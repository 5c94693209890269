#!/bin/bash
# Issue 3 against real peers: tcp/TLS, ssh, registry, a remote that never
# answers (ends by its timeout, not the sum).
. "$(dirname "$0")/../lib/peers.sh"
J=$T_TMP/out.json
status_of() { jq -r --arg id "$1" '.checks[] | select(.id==$id) | .status' "$J"; }
field_of() { jq -r --arg id "$1" --arg f "$2" '.checks[] | select(.id==$id) | .[$f] // empty' "$J"; }
data_of() { jq -r --arg id "$1" --arg k "$2" '.checks[] | select(.id==$id) | .data[$k] | select(. != null)' "$J"; }
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
chk() { "$WS_BIN" check "$@" --json > "$J" 2>"$T_TMP/err"; rc=$?; schema_ok check.schema.json "$J" "check $*"; }

# --- plain TCP on loopback (B's socat front on 127.0.0.1): it answers from
#     here, but inside the workspace 127.0.0.1 is the workspace itself, so
#     the launch would not reach it: not ready, and the finding says why
chk tcp --host 127.0.0.1 --tcp-port "$WSL_B_TCP_PORT" --no-tls --offline
eq "$(status_of tcp.reach)" fail "plain tcp on loopback"
has "$(field_of tcp.reach finding)" "answers /_ping from here, but 127.0.0.1 is this machine's loopback" "loopback finding"
has "$(field_of tcp.reach remedy)" "gateway" "loopback remedy names a reachable address"
eq "$(jq -r '.checks[] | select(.id == "tcp.reach") | .data.loopback' "$J")" true "loopback data"
chk tcp --host localhost --tcp-port "$WSL_B_TCP_PORT" --no-tls --offline
eq "$(status_of tcp.reach)" fail "plain tcp on localhost"
# --- plain TCP on the bridge (A's front on its bridge address): ready
chk tcp --host "$WSL_A_BRIDGE_IP" --tcp-port "$WSL_A_TCP_PORT" --no-tls --offline
eq "$(status_of tcp.reach)" pass "plain tcp"
has "$(field_of tcp.reach finding)" "answers /_ping" "plain tcp finding"
eq "$(status_of tls.handshake)" skip "no TLS"

# --- TLS with the right certificates (B's dockerd --tlsverify)
chk tcp --host 127.0.0.1 --tcp-port "$WSL_B_TLS_PORT" --tls --cert-dir "$WSL_TLS_CERT_DIR" --offline
eq "$rc" 1 "TLS on loopback: not ready (the workspace itself inside)"
eq "$(status_of tls.handshake)" pass "TLS handshake on loopback"
chk tcp --host "$WSL_A_BRIDGE_IP" --tcp-port "$WSL_A_TLS_PORT" --tls --cert-dir "$WSL_TLS_CERT_DIR" --offline
eq "$rc" 0 "TLS mode ready"
eq "$(status_of tls.files)" pass "tls.files"
eq "$(status_of tls.handshake)" pass "TLS handshake"
eq "$(status_of tcp.reach)" pass "TLS reach"

# --- wrong CA: the server's certificate does not verify
chk tcp --host 127.0.0.1 --tcp-port "$WSL_B_TLS_PORT" --tls --cert-dir "$WSL_TLS_WRONG_CERT_DIR" --offline
eq "$rc" 1 "wrong CA → exit 1"
eq "$(status_of tls.handshake)" fail "wrong CA"
has "$(field_of tls.handshake finding)" "does not verify" "wrong CA finding"

# --- no valid client certificate: right CA, client cert from another CA
mkdir -p "$T_TMP/nocert"
cp "$WSL_TLS_CERT_DIR/ca.pem" "$T_TMP/nocert/"
cp "$WSL_TLS_WRONG_CERT_DIR/cert.pem" "$WSL_TLS_WRONG_CERT_DIR/key.pem" "$T_TMP/nocert/"
chmod 0644 "$T_TMP/nocert/key.pem"
chk tcp --host 127.0.0.1 --tcp-port "$WSL_B_TLS_PORT" --tls --cert-dir "$T_TMP/nocert" --offline
eq "$(status_of tls.handshake)" fail "client cert rejected"
has "$(field_of tls.handshake finding)" "refused the client certificate" "client cert finding"
# and with no client certificate at all: tls.files says which file is missing
mkdir -p "$T_TMP/caonly"; cp "$WSL_TLS_CERT_DIR/ca.pem" "$T_TMP/caonly/"
chk tcp --host 127.0.0.1 --tcp-port "$WSL_B_TLS_PORT" --tls --cert-dir "$T_TMP/caonly" --offline
eq "$(status_of tls.files)" fail "no client cert files"
has "$(field_of tls.files finding)" "lacks cert.pem, key.pem" "missing files named"
# plain HTTP against the TLS port
chk tcp --host 127.0.0.1 --tcp-port "$WSL_B_TLS_PORT" --no-tls --offline
eq "$(status_of tcp.reach)" fail "plain against TLS"
has "$(field_of tcp.reach remedy)" "--tls" "suggests --tls"

# --- a server that accepts and never answers: ends by its timeout
t0=$(date +%s%N)
chk tcp --host 127.0.0.1 --tcp-port "$WSL_BLACKHOLE_PORT" --no-tls --timeout 2 --offline
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
eq "$(status_of tcp.reach)" fail "blackhole"
has "$(field_of tcp.reach finding)" "timed out" "blackhole finding"
[ "$ms" -ge 2000 ] && [ "$ms" -lt 3500 ] && ok || bad "blackhole took $ms ms (want 2000-3500)"
# every mode at once with the blackhole as tcp host: total = that timeout
t0=$(date +%s%N)
chk --host 127.0.0.1 --tcp-port "$WSL_BLACKHOLE_PORT" --timeout 2 --offline
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 3500 ] && ok || bad "all modes with a blackhole took $ms ms"

# --- ssh: pass with the key (agent and wrapper config of the harness)
export PATH=$WSL_SSH_BIN_DIR:$PATH SSH_AUTH_SOCK=$WSL_SSH_AUTH_SOCK
chk ssh --host 127.0.0.1 --ssh-port "$WSL_SSH_PORT" --ssh-user root --offline
eq "$(status_of ssh.client)" pass "ssh client"
eq "$(status_of ssh.remote)" fail "ssh to loopback: the workspace itself inside"
has "$(field_of ssh.remote finding)" "runs Docker" "ssh to loopback: what answered from here"
chk ssh --host "$WSL_SSH_HOST_BRIDGE" --ssh-port "$WSL_SSH_PORT" --ssh-user root --known-hosts "$WSL_SSH_KNOWN_HOSTS" --offline
eq "$(status_of ssh.remote)" pass "ssh remote"
eq "$(data_of ssh.remote server_version)" "$(DK version --format '{{.Server.Version}}')" "remote docker version"
# wrong user (the harness's sshd accepts the key for any existing account)
chk ssh --host 127.0.0.1 --ssh-port "$WSL_SSH_PORT" --ssh-user no-such-user --offline
eq "$(status_of ssh.remote)" fail "wrong user"
has "$(field_of ssh.remote remedy)" "ssh-copy-id" "wrong user remedy"
# unknown host key: a client config with the wrong known_hosts
mkdir -p "$T_TMP/sshbin"
sed "s#$WSL_SSH_KNOWN_HOSTS#$WSL_SSH_KNOWN_HOSTS_WRONG#g" "$WSL_SSH_CONFIG" > "$T_TMP/ssh_config"
printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$T_TMP/ssh_config" > "$T_TMP/sshbin/ssh"; chmod +x "$T_TMP/sshbin/ssh"
PATH=$T_TMP/sshbin:$PATH chk ssh --host 127.0.0.1 --ssh-port "$WSL_SSH_PORT" --ssh-user root --offline
eq "$(status_of ssh.remote)" fail "unknown host key"
has "$(field_of ssh.remote finding)" "host key" "host key finding"
has "$(field_of ssh.remote remedy)" "ssh-keyscan -p $WSL_SSH_PORT 127.0.0.1" "host key remedy"

# --- registry: newest tag found on the local registry; unreachable noted
chk sysbox --registry "$WSL_REGISTRY_URL"
eq "$(data_of image newest)" "$WSL_WS_NEWEST_TAG" "newest tag"
eq "$(status_of image)" pass "image"
has "$(field_of image finding)" "newer tag $WSL_WS_NEWEST_TAG" "newer tag finding"
has "$(field_of image remedy)" ":$WSL_WS_NEWEST_TAG" "newer tag remedy"
eq "$(data_of image present)" true "image present"
chk sysbox --registry http://127.0.0.1:9
eq "$(status_of image)" pass "unreachable registry passes"
has "$(field_of image finding)" "registry not reachable" "unreachable noted"

# --- --timeout governs the engine call too when the daemon is remote
#     (DOCKER_HOST=tcp:// at the never-answering server): the finding names
#     the bound it used -- before, a fixed 3000 ms whatever --timeout said.
DOCKER_HOST=tcp://$WSL_BLACKHOLE_ADDR chk socket --offline --timeout 2
eq "$(status_of engine)" fail "engine at the blackhole"
has "$(field_of engine finding)" "timed out after 2000 ms" "engine timeout follows --timeout"
# ... and the registry's (was a fixed 3 s connect / 10 s total)
chk socket --socket "$WSL_A_SOCK" --registry "http://$WSL_BLACKHOLE_ADDR" --timeout 1
has "$(jq -r '.checks[] | select(.id == "image") | .finding + " " + (.data | tostring)' "$J")" "1000 ms" "registry timeout follows --timeout"
