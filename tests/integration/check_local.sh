#!/bin/bash
# Issue 3 against real peers: socket, engine, sysbox, userns, endpoint
# resolution compared with the docker CLI's own answers.
. "$(dirname "$0")/../lib/peers.sh"
J=$T_TMP/out.json
check_json() { "$WS_BIN" check "$@" --json --offline > "$J" 2>"$T_TMP/err"; rc=$?; schema_ok check.schema.json "$J" "check $*"; }
status_of() { jq -r --arg id "$1" '.checks[] | select(.id==$id) | .status' "$J"; }
field_of() { jq -r --arg id "$1" --arg f "$2" '.checks[] | select(.id==$id) | .[$f] // empty' "$J"; }
data_of() { jq -r --arg id "$1" --arg k "$2" '.checks[] | select(.id==$id) | .data[$k] | select(. != null)' "$J"; }
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }

# --- socket: gid equals stat of the socket; engine reachable
check_json socket --socket "$WSL_A_SOCK"
eq "$rc" 0 "socket mode ready on A"
eq "$(status_of socket.path)" pass "socket.path"
eq "$(data_of socket.gid gid)" "$(stat -c %g "$WSL_A_SOCK")" "socket.gid = stat"
eq "$(status_of engine)" pass "engine"
eq "$(data_of engine server_version)" "$(DK version --format '{{.Server.Version}}')" "engine version"
has "$(field_of engine finding)" "at unix://$WSL_A_SOCK" "engine is daemon A"
# socket needs no /info (slow on the daemon: it walks containers, images,
# storage): the version comes from /_ping, so no field only /info has.
eq "$(data_of engine docker_root_dir)" "" "check socket did not ask /info"
check_json privileged
eq "$(data_of engine docker_root_dir)" "$(DK info --format '{{.DockerRootDir}}')" "privileged: /info, engine is daemon A"
eq "$(jq -r .endpoint.url "$J")" "$WSL_A_HOST" "endpoint"

# --- a socket this user cannot open: fail with a remedy (run as nobody)
chmod 0755 "$T_TMP"
setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$WS_BIN" check socket --socket "$WSL_A_SOCK" \
  --json --offline > "$J" 2>/dev/null; rc=$?
eq "$rc" 1 "unreadable socket → exit 1"
eq "$(status_of socket.path)" fail "socket.path for nobody"
has "$(field_of socket.path finding)" "permission denied: this user cannot open $WSL_A_SOCK" "finding"
has "$(field_of socket.path remedy)" "usermod -aG" "remedy"

# --- a path that is not a socket
check_json socket --socket /etc/hostname
eq "$(status_of socket.path)" fail "not a socket"
eq "$(field_of socket.path finding)" "/etc/hostname is not a socket" "not a socket finding"

# --- a stopped daemon: fail within 1 s on a unix socket
dead=$T_TMP/dead.sock
socat UNIX-LISTEN:"$dead" /dev/null & sp=$!
for _ in $(seq 100); do [ -S "$dead" ] && break; sleep 0.01; done
kill -9 $sp; wait $sp 2>/dev/null
[ -S "$dead" ] && ok || bad "dead socket file missing"
t0=$(date +%s%N)
DOCKER_HOST=unix://$dead "$WS_BIN" check privileged --json --offline > "$J" 2>/dev/null; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
eq "$rc" 1 "dead daemon → exit 1"
eq "$(status_of engine)" fail "engine on a dead socket"
has "$(field_of engine finding)" "connection refused" "dead finding"
has "$(field_of engine remedy)" "systemctl start docker" "dead remedy"
[ "$ms" -lt 1000 ] && ok || bad "dead daemon took $ms ms (want < 1000)"

# --- sysbox: detected on A (stand-in runtime), missing on B
check_json sysbox
eq "$(status_of sysbox.runtime)" pass "sysbox on A"
eq "$(data_of sysbox.runtime present)" true "sysbox present"
DOCKER_HOST=$WSL_B_HOST check_json sysbox
eq "$(status_of sysbox.runtime)" fail "sysbox on B"
has "$(field_of sysbox.runtime finding)" "no sysbox-runc runtime" "sysbox missing finding"
has "$(field_of sysbox.runtime remedy)" "sysbox" "sysbox remedy"

# --- userns-remap detected on C
DOCKER_HOST=$WSL_C_HOST check_json privileged
eq "$(data_of engine userns)" true "C has userns-remap"
eq "$(data_of privilege userns)" true "privilege sees userns"
# the daemon's capability bounding set, as /proc says of its pid: missing
# capabilities make --privileged a warning (check --deep tells)
bnd=$(awk '/^CapBnd/ {print $2}' "/proc/$WSL_C_PID/status")
last=$(cat /proc/sys/kernel/cap_last_cap)
full=$(printf '%x' $(( (1 << (last + 1)) - 1 )))
# on C userns-remap alone is a warning: sudo inside a --userns=host container cannot become root
eq "$(status_of privilege)" warn "privilege on C"
has "$(field_of privilege finding)" "a workspace that becomes root with sudo (to start its dockerd) cannot" "the userns reason"
has "$(field_of privilege remedy)" " --deep" "the remedy asks the deep check"
if [ "$((16#$bnd & 16#$full))" -ne "$((16#$full))" ]; then
  [ -n "$(data_of privilege caps_missing)" ] && ok || bad "no caps_missing data"
  (( (16#$bnd >> 24) & 1 )) || has "$(data_of privilege caps_missing)" CAP_SYS_RESOURCE "CAP_SYS_RESOURCE named"
  has "$(field_of privilege finding)" "dockerd (pid $WSL_C_PID)" "the daemon's pid"
fi
has "$(field_of privilege finding)" "--userns=host will be added" "userns note"
DOCKER_HOST=$WSL_A_HOST check_json privileged
eq "$(data_of engine userns)" false "A has no userns-remap"

# --- endpoint resolution: DOCKER_HOST, DOCKER_CONTEXT and config.json's
# current context each point at a different daemon; ws-launch must agree
# with the docker CLI itself.
export DOCKER_CONFIG=$T_TMP/dc; mkdir -p "$DOCKER_CONFIG"
unset DOCKER_HOST
DK context create wsl-b --docker "host=$WSL_B_HOST" >/dev/null 2>&1
DK context create wsl-c --docker "host=$WSL_C_HOST" >/dev/null 2>&1
DK context use wsl-c >/dev/null 2>&1
cli_root() { DK info --format '{{.DockerRootDir}}' 2>/dev/null; }
# 1. config.json currentContext
check_json privileged
eq "$(jq -r .endpoint.url "$J")" "$(DK context inspect --format '{{.Endpoints.docker.Host}}' wsl-c)" "current context"
eq "$(data_of engine docker_root_dir)" "$(cli_root)" "current context: same daemon as the CLI"
eq "$(data_of endpoint context)" wsl-c "context name"
# 2. DOCKER_CONTEXT beats config.json
export DOCKER_CONTEXT=wsl-b
check_json privileged
eq "$(jq -r .endpoint.url "$J")" "$WSL_B_HOST" "DOCKER_CONTEXT"
eq "$(data_of engine docker_root_dir)" "$(cli_root)" "DOCKER_CONTEXT: same daemon as the CLI"
# 3. DOCKER_HOST beats both
export DOCKER_HOST=$WSL_A_HOST
check_json privileged
eq "$(jq -r .endpoint.url "$J")" "$WSL_A_HOST" "DOCKER_HOST"
eq "$(data_of engine docker_root_dir)" "$(cli_root)" "DOCKER_HOST: same daemon as the CLI"
eq "$(data_of endpoint source)" DOCKER_HOST "source"
unset DOCKER_CONTEXT
# 4. a context with TLS material (daemon B's TLS listener)
unset DOCKER_HOST
DK context create wsl-btls --docker "host=$WSL_B_TLS_HOST,ca=$WSL_TLS_CERT_DIR/ca.pem,cert=$WSL_TLS_CERT_DIR/cert.pem,key=$WSL_TLS_CERT_DIR/key.pem" >/dev/null 2>&1
DOCKER_CONTEXT=wsl-btls check_json privileged
eq "$(status_of engine)" pass "TLS context engine"
eq "$(data_of engine docker_root_dir)" "$(DOCKER_CONTEXT=wsl-btls cli_root)" "TLS context: same daemon as the CLI"
# 5. bad values name what is wrong
DOCKER_HOST=tcp:// "$WS_BIN" check privileged --json --offline > "$J" 2>/dev/null
has "$(field_of endpoint finding)" "DOCKER_HOST" "tcp:// without host"
DOCKER_CONTEXT=nope "$WS_BIN" check privileged --json --offline > "$J" 2>/dev/null
has "$(field_of endpoint finding)" "nope" "unknown context"
# an endpoint that cannot be resolved is an object with the error, not null
schema_ok check.schema.json "$J" "unknown context"
eq "$(jq -r '.endpoint.url' "$J")" null "unknown context: no url"
has "$(jq -r '.endpoint.error' "$J")" "nope" "unknown context: endpoint.error"
export DOCKER_HOST=$WSL_A_HOST
