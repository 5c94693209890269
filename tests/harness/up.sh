#!/bin/bash
# up.sh DIR -- start every Docker test peer for ws-launch's integration tests and describe them in
# DIR/peers.env (sourceable "export NAME='value'" lines; every variable is documented in README.md).
#
# DIR: new or empty, absolute or relative, at most 40 characters (e.g. DIR=$(mktemp -d /tmp/wsl-XXXX)).
# Everything lives below DIR except what the kernel keeps elsewhere (bridges, a netns, one iptables rule,
# cgroup dirs, the dockremap account created by dockerd --userns-remap, the rootless daemon's user and
# the group of /dev/net/tun): each is recorded in DIR/state/
# the moment it is created, and down.sh DIR undoes exactly that. On any failure up.sh runs down.sh itself
# and exits 1. A host snapshot is taken first (DIR/snapshot.before); down.sh compares against it.
#
# Peers (see README.md for the details and the traps each step avoids):
#   A  dockerd, host netns, own bridge, runtimes runc-nosysres (default) + sysbox-runc stand-in, registry
#      mirror -> F; socat plain-TCP and TLS fronts on A's bridge IP (reachable from containers)
#      (+ two sockets standing in for sysbox-mgr/sysbox-fs in DIR/sysbox-run)
#   B  dockerd, host netns, second bridge, real --tlsverify listener on 127.0.0.1 + socat plain front
#   C  dockerd in its own netns with --userns-remap=default
#   R  rootless dockerd (dockerd-rootless.sh: rootlesskit + slirp4netns) of a test user wsrlRUNID made for
#      this run, vfs storage, everything below DIR/r; /dev/net/tun lent to that user's group meanwhile
#   D  sshd on 127.0.0.1 and on A's bridge IP (remote docker = A), ssh wrapper, known_hosts (good/wrong),
#      ssh-agent (runs as uid 1000 so a workspace's kloud user may use it) with the client key
#   E  TCP blackhole on 127.0.0.1 (accepts, never answers)
#   F  docker-registry on 127.0.0.1 with kloudkit/workspace:{v0.0.21,v0.1.0,v0.4.0,v0.10.2,latest,tests}
#      and library/docker:dind
#   G  images: workspace stand-in (ghcr.io/kloudkit/workspace:v0.0.21 in A, B, C), dind stand-in (registry)
set -u
H=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$H/lib.sh"
WSL_LOG_TAG=up
T_START=$(now_ms)

D=${1:-}
[ -n "$D" ] || { echo "usage: up.sh DIR   (new or empty dir, <= 40 chars, e.g. \$(mktemp -d /tmp/wsl-XXXX))" >&2; exit 2; }
case $D in /*) ;; *) D=$PWD/$D ;; esac
D=${D%/}
# Trap 5: unix socket paths are limited to 108 bytes; containerd's socket ends up at
# DIR/a/exec/containerd/containerd.sock.ttrpc, shims and sshd need headroom too.
[ ${#D} -le 40 ] || { echo "up.sh: DIR '$D' is ${#D} chars; at most 40 (unix socket paths below it must stay < 108 bytes)" >&2; exit 2; }
# DIR ends up in config files, sed expressions and peers.env: keep it to plain characters
[[ $D =~ ^[A-Za-z0-9/._-]+$ ]] || { echo "up.sh: DIR may only contain A-Z a-z 0-9 / . _ -" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "up.sh: must run as root (starts dockerd, bridges, netns, iptables)" >&2; exit 2; }
if [ -e "$D" ] && [ -n "$(ls -A "$D" 2>/dev/null)" ]; then
  echo "up.sh: DIR '$D' is not empty (down.sh deletes below it; use a new one)" >&2; exit 2
fi
mkdir -p "$D" || exit 2
# o+x: the userns-remapped root of daemon C must traverse DIR to its data-root (dockerd refuses otherwise),
# and so must the ssh-agent running as uid 1000.
chmod 0711 "$D"
mkdir -p "$D/state" "$D/pids" "$D/logs" "$D/bin"

UP_OK=0
die() { echo "up.sh: ERROR: $*" >&2; exit 1; }
on_exit() {
  local rc=$?
  [ "$UP_OK" = 1 ] && return 0
  trap - EXIT INT TERM
  echo "up.sh: FAILED (rc=$rc) after $(( $(now_ms) - T_START )) ms -- tearing down what was started" >&2
  "$H/down.sh" "$D" >&2 || echo "up.sh: down.sh reported leftovers (see above)" >&2
  exit 1
}
trap on_exit EXIT
trap 'echo "up.sh: interrupted" >&2; exit 130' INT TERM
step() { log "$(printf '%6d ms  %s' $(( $(now_ms) - T_START )) "$*")"; }
# test hook for the teardown of a partial up: WSL_UP_FAILPOINT=certs|network|started|ready|images|env
failpoint() { [ "${WSL_UP_FAILPOINT:-}" = "$1" ] && die "failpoint $1 (WSL_UP_FAILPOINT)"; return 0; }

# --- 0. snapshot + preflight ----------------------------------------------------------------------------
"$H/snapshot.sh" "$D" >"$D/snapshot.before"
step "snapshot taken"

for c in /usr/bin/docker /usr/sbin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc \
         /usr/bin/docker-init /usr/sbin/docker-proxy /usr/bin/socat /usr/bin/openssl /usr/bin/curl /usr/sbin/sshd \
         /usr/bin/ssh /usr/bin/ssh-keygen /usr/bin/ssh-agent /usr/bin/ssh-add /usr/bin/docker-registry /bin/busybox \
         /usr/bin/jq; do
  [ -x "$c" ] || die "missing $c -- install the packages listed in tests/harness/PACKAGES"
done
for c in /usr/share/docker.io/contrib/dockerd-rootless.sh /usr/bin/rootlesskit /usr/bin/slirp4netns /usr/bin/newuidmap \
         /usr/bin/newgidmap; do
  [ -x "$c" ] || die "missing $c (rootless daemon R) -- install the packages listed in tests/harness/PACKAGES"
done
[ -c /dev/net/tun ] || die "no /dev/net/tun: slirp4netns (rootless daemon R) needs it"
for c in gcc ip iptables nsenter setpriv ss tar sha256sum useradd userdel usermod getent chroot runuser pkill; do
  command -v "$c" >/dev/null 2>&1 || die "missing command $c -- install the packages listed in tests/harness/PACKAGES"
done
# the stand-in images run busybox chrooted without libraries: it must be the static build
ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is dynamically linked: install busybox-static"
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || die "gcc -static needs libc6-dev"
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  warn "cgroup v2 host: the harness was verified on cgroup v1 only"
fi
# Trap 18: with a system containerd socket present, dockerd would use it instead of starting its own;
# then each test daemon gets a private containerd of ours (also forced with WSL_OWN_CONTAINERD=1).
OWN_CTRD=${WSL_OWN_CONTAINERD:-0}
[ -S /run/containerd/containerd.sock ] && OWN_CTRD=1

# --- 1. names, ports, subnet: unique per run --------------------------------------------------------------
# 16 consecutive free TCP ports below the ephemeral range (32768+); the run id is derived from the base.
pick_ports() {
  local try base p ok
  for ((try = 0; try < 80; try++)); do
    base=$(( 20000 + (RANDOM % 750) * 16 ))
    ok=1
    for ((p = base; p < base + 16; p++)); do port_free "$p" || { ok=0; break; }; done
    [ "$ok" = 1 ] && { echo "$base"; return 0; }
  done
  return 1
}
PB=$(pick_ports) || die "no block of 16 free TCP ports found in 20000-32767"
RUN_ID=$(( PB / 16 ))
# a 10.X.0.0/16 that no address or route on this host touches
used=$( { ip -4 addr; ip -4 route show table all; } 2>/dev/null)
X=""
for ((i = 0; i < 50; i++)); do
  x=$(( 200 + (RUN_ID + i) % 50 ))
  grep -Eq "(^|[^0-9])10\.$x\." <<<"$used" || { X=$x; break; }
done
[ -n "$X" ] || die "no unused 10.X.0.0/16 (X in 200-249) on this host"

P_A_TCP=$((PB + 0)) P_A_TLS=$((PB + 1)) P_A_TLS_CN=$((PB + 2)) P_B_TLS=$((PB + 3)) P_B_TCP=$((PB + 4))
P_SSH=$((PB + 5)) P_BH=$((PB + 6)) P_REG=$((PB + 7))
P_FREE1=$((PB + 8)) P_FREE2=$((PB + 9)) P_FREE3=$((PB + 10)) P_FREE4=$((PB + 11))
SUBNET=10.$X.0.0/16
BR_A=wsl-a$RUN_ID BR_A_IP=10.$X.0.1 BR_A_CIDR=10.$X.0.1/24 POOL_A=10.$X.128.0/17
BR_B=wsl-b$RUN_ID BR_B_IP=10.$X.64.1 BR_B_CIDR=10.$X.64.1/24 POOL_B=10.$X.96.0/19
NS_C=wsl-c$RUN_ID
IPT_COMMENT=wsl-$RUN_ID
IPT_RULE="FORWARD -s $SUBNET -d $SUBNET -m comment --comment $IPT_COMMENT -j ACCEPT"
REG=127.0.0.1:$P_REG
# socket group of the test daemons (dockerd --group): an EXISTING group, so nothing is added to /etc/group
SOCK_GID=""
for g in docker users nogroup; do SOCK_GID=$(getent group "$g" | cut -d: -f3) && [ -n "$SOCK_GID" ] && break; done
[ -n "$SOCK_GID" ] || die "no existing group docker/users/nogroup to own the test sockets"

# down.sh reads this first: names are known even if up.sh dies a line later
cat >"$D/state/run.env" <<EOF
RUN_ID=$RUN_ID
PORT_BASE=$PB
SUBNET=$SUBNET
BR_A=$BR_A
BR_B=$BR_B
NS_C=$NS_C
POOL_A=$POOL_A
POOL_B=$POOL_B
IPT_RULE="$IPT_RULE"
EOF
step "run $RUN_ID: ports $PB-$((PB + 15)), subnet $SUBNET, socket gid $SOCK_GID, own containerd: $OWN_CTRD"

# --- 2. certificates -------------------------------------------------------------------------------------
gen_certs() {
  local C=$D/certs EC=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  mkdir -p "$C"/{ca,wrong-ca,server,cn-only,client,wrong} && chmod 0755 "$C" "$C"/* || return 1
  mkca() { # DIR CN
    openssl req -x509 "${EC[@]}" -keyout "$1/ca-key.pem" -out "$1/ca.pem" -days 3 -subj "/CN=$2" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  }
  sign() { # CADIR OUTDIR CN EXTENSIONS
    openssl req "${EC[@]}" -keyout "$2/key.pem" -out "$2/req.csr" -subj "/CN=$3" 2>/dev/null &&
    printf '%b' "$4" >"$2/ext.cnf" &&
    openssl x509 -req -in "$2/req.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" -CAcreateserial -days 3 \
      -extfile "$2/ext.cnf" -out "$2/cert.pem" 2>/dev/null &&
    cp "$1/ca.pem" "$2/ca.pem" && rm -f "$2/req.csr" "$1/ca.srl"
  }
  local srv="extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
  local cli="extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n"
  mkca "$C/ca" wsl-test-ca && mkca "$C/wrong-ca" wsl-wrong-ca &&
  # trap 16: the docker CLI (Go) rejects a server cert without SANs; libcurl accepts it -> SANs always,
  # and a CN-only variant for negative tests
  sign "$C/ca" "$C/server" localhost "subjectAltName=IP:127.0.0.1,IP:$BR_A_IP,IP:$BR_B_IP,DNS:localhost\n$srv" &&
  sign "$C/ca" "$C/cn-only" "$BR_A_IP" "$srv" &&
  # extendedKeyUsage=clientAuth or dockerd --tlsverify refuses the client
  sign "$C/ca" "$C/client" wsl-client "$cli" &&
  sign "$C/wrong-ca" "$C/wrong" wsl-client "$cli" || return 1
  chmod 0600 "$C"/ca/ca-key.pem "$C"/wrong-ca/ca-key.pem "$C"/server/key.pem "$C"/cn-only/key.pem
  # the client keys are mounted into workspaces that run as uid 1000 (as dind's own client key is)
  chmod 0644 "$C"/client/*.pem "$C"/wrong/*.pem
}
gen_certs || die "certificate generation failed"
step "certificates"
failpoint certs

# --- 3. image build runs in the background while the peers start ----------------------------------------
"$H/mkimages.sh" "$D/img" >"$D/logs/mkimages.log" 2>&1 &
MK_PID=$!
record_pid "$D" mkimages "$MK_PID"

# --- 4. runtimes -----------------------------------------------------------------------------------------
install -m 0755 "$H/runtimes/runc-nosysres" "$D/bin/runc-nosysres"
sed "s|@SYSBOX_DATA@|$D/a/sysbox|" "$H/runtimes/sysbox-runc" >"$D/bin/sysbox-runc" && chmod 0755 "$D/bin/sysbox-runc"
mkdir -p "$D/a/sysbox" "$D/b" "$D/c"
chmod 0711 "$D/c"
cat >"$D/a/daemon.json" <<EOF
{
  "runtimes": {
    "runc-nosysres": { "path": "$D/bin/runc-nosysres" },
    "sysbox-runc": { "path": "$D/bin/sysbox-runc" }
  },
  "default-runtime": "runc-nosysres",
  "registry-mirrors": ["http://$REG"]
}
EOF
for n in b c; do
  printf '{\n  "runtimes": { "runc-nosysres": { "path": "%s" } },\n  "default-runtime": "runc-nosysres"\n}\n' \
    "$D/bin/runc-nosysres" >"$D/$n/daemon.json"
done

# --- 5. network objects (each recorded before anything else can fail) -------------------------------------
mk_bridge() { # NAME CIDR -- own bridge for a host-netns daemon. Trap 1: NEVER dockerd --bridge=none in the
  # host netns (it deletes the host's docker0); trap 2 is avoided because every data-root here is fresh.
  ip link show "$1" >/dev/null 2>&1 && die "link $1 already exists (another run with the same id?)"
  ip link add name "$1" type bridge || die "ip link add $1 failed"
  touch "$D/state/created.bridge.$1"
  if ! ip addr add "$2" dev "$1" || ! ip link set "$1" up; then die "configuring bridge $1 failed"; fi
}
mk_bridge "$BR_A" "$BR_A_CIDR"
mk_bridge "$BR_B" "$BR_B_CIDR"
# Trap 3: two --iptables=true daemons in one netns flush each other's DOCKER chain -> host-netns test
# daemons run --iptables=false. Trap 4: with FORWARD policy DROP (a host dockerd sets it) and
# bridge-nf-call-iptables=1 their containers could not talk to each other: one ACCEPT rule for this run's
# subnet only, tagged with the run id, removed by down.sh.
# shellcheck disable=SC2086
iptables -I $IPT_RULE || die "iptables -I $IPT_RULE failed"
touch "$D/state/created.iptables"
# daemon C's network namespace. "ip netns add" bind-mounts /run/netns onto itself the first time.
[ -d /run/netns ] || touch "$D/state/created.run-netns"
ip netns add "$NS_C" || die "ip netns add $NS_C failed"
touch "$D/state/created.netns.$NS_C"
nsenter --net="/run/netns/$NS_C" ip link set lo up || die "lo up in $NS_C failed"
step "bridges $BR_A ($BR_A_CIDR) $BR_B ($BR_B_CIDR), netns $NS_C, FORWARD rule"
failpoint network

# --- 6. registry (F) --------------------------------------------------------------------------------------
mkdir -p "$D/reg/data"
cat >"$D/reg/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $D/reg/data
  delete:
    enabled: true
http:
  addr: $REG
EOF
/usr/bin/docker-registry serve "$D/reg/config.yml" >"$D/logs/registry.log" 2>&1 &
record_pid "$D" registry $!

# --- 7. daemons A, B, C ------------------------------------------------------------------------------------
# Account files before C starts: --userns-remap=default makes dockerd create user/group dockremap and
# add /etc/subuid + /etc/subgid ranges (useradd/usermod also rewrite the "-" backups). down.sh undoes it.
mkdir -p "$D/state/etc-before"
for f in passwd group shadow gshadow subuid subgid passwd- group- shadow- gshadow- subuid- subgid-; do
  if [ -e "/etc/$f" ]; then cp -p "/etc/$f" "$D/state/etc-before/$f"; else touch "$D/state/etc-before/$f.absent"; fi
done
getent passwd dockremap >/dev/null || touch "$D/state/dockremap.absent-before"
getent group dockremap >/dev/null || touch "$D/state/dockremap-group.absent-before"
# dockerd 20.10 creates /etc/docker/key.json (libtrust) whatever --config-file says
[ -e /etc/docker/key.json ] || touch "$D/state/etc-docker-key.absent-before"
[ -d /etc/docker ] || touch "$D/state/etc-docker.absent-before"
# ... and /run/docker/plugins (plugin discovery dir) whatever --exec-root says
[ -d /run/docker ] || touch "$D/state/run-docker.absent-before"
# ... and containerd 1.6 puts its shim sockets in /run/containerd/s whatever its state dir is
[ -d /run/containerd ] || touch "$D/state/run-containerd.absent-before"

start_containerd() { # NAME NETNS -- only when a system containerd exists (trap 18)
  local n=$1 ns=$2 cd=$D/$1/ctrd pre=()
  mkdir -p "$cd"
  cat >"$cd/config.toml" <<EOF
version = 2
root = "$cd/root"
state = "$D/$n/exec/ctrd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/$n/exec/ctrd.sock"
[debug]
  address = ""
EOF
  mkdir -p "$D/$n/exec"
  [ -n "$ns" ] && pre=(nsenter "--net=/run/netns/$ns")
  printf '%s\n' "${pre[@]}" /usr/bin/containerd --config "$cd/config.toml" >"$D/state/containerd-$n.cmd"
  "${pre[@]}" /usr/bin/containerd --config "$cd/config.toml" >"$D/logs/containerd-$n.log" 2>&1 &
  record_pid "$D" "containerd-$n" $!
}
start_dockerd() { # NAME NETNS ARGS...
  local n=$1 ns=$2 dd=$D/$1 pre=() extra=()
  shift 2
  # Trap 6: "ip netns exec NS dockerd" remounts /sys and hides the cgroup v1 mounts ("Devices cgroup
  # isn't mounted"): enter only the network namespace with nsenter.
  [ -n "$ns" ] && pre=(nsenter "--net=/run/netns/$ns")
  [ "$OWN_CTRD" = 1 ] && extra=(--containerd "$dd/exec/ctrd.sock")
  # own socket/data-root/exec-root/pidfile, own --config-file (so /etc/docker/daemon.json never leaks in),
  # cgroup parent named after the run (down.sh removes /sys/fs/cgroup/*/wsl-RUNID-*)
  local args=(--host "unix://$dd/docker.sock" --data-root "$dd/data" --exec-root "$dd/exec"
              --pidfile "$dd/dockerd.pid" --config-file "$dd/daemon.json" --group "$SOCK_GID"
              --cgroup-parent "/wsl-$RUN_ID-$n" "${extra[@]}" "$@")
  printf '%s\n' "${pre[@]}" /usr/sbin/dockerd "${args[@]}" >"$D/state/dockerd-$n.cmd"
  "${pre[@]}" /usr/sbin/dockerd "${args[@]}" >"$D/logs/dockerd-$n.log" 2>&1 &
  record_pid "$D" "dockerd-$n" $!
}
if [ "$OWN_CTRD" = 1 ]; then
  start_containerd a ""; start_containerd b ""; start_containerd c "$NS_C"
  wait_until 20 test -S "$D/a/exec/ctrd.sock" -a -S "$D/b/exec/ctrd.sock" -a -S "$D/c/exec/ctrd.sock" ||
    die "private containerd not ready (logs in $D/logs)"
fi
# --default-address-pool only because every data-root is fresh (trap 2: on an existing data-root the stale
# default-bridge cleanup would delete the host's docker0). No plain TCP listener on A/B itself (trap 9:
# one TLS config per dockerd -> plain fronts are socat).
start_dockerd a "" --bridge="$BR_A" --iptables=false --ip-masq=false --default-address-pool "base=$POOL_A,size=24"
start_dockerd b "" --bridge="$BR_B" --iptables=false --ip-masq=false --default-address-pool "base=$POOL_B,size=24" \
  -H "tcp://127.0.0.1:$P_B_TLS" --tlsverify --tlscacert "$D/certs/server/ca.pem" \
  --tlscert "$D/certs/server/cert.pem" --tlskey "$D/certs/server/key.pem"
# C: own netns, so its docker0, veths and iptables rules (iptables stays on) live inside the namespace
start_dockerd c "$NS_C" --userns-remap=default
# R: a rootless dockerd of a user made for this run. useradd gives it subordinate ids (login.defs); the
# account files are restored byte for byte by down.sh (etc-before above). slirp4netns opens /dev/net/tun
# as that user: the device is lent to the user's group (0660) and given back by down.sh.
R_USER=wsrl$RUN_ID R_DIR=$D/r
getent passwd "$R_USER" >/dev/null && die "a user $R_USER exists already: not ours to use"
useradd -M -d /nonexistent -s /usr/sbin/nologin -c "ws-launch test $RUN_ID" "$R_USER" || die "useradd $R_USER failed"
echo "$R_USER" >"$D/state/rootless-user"
grep -q "^$R_USER:" /etc/subuid && grep -q "^$R_USER:" /etc/subgid ||
  die "useradd gave $R_USER no /etc/subuid + /etc/subgid range (SUB_UID_COUNT in /etc/login.defs?)"
R_UID=$(id -u "$R_USER") R_GID=$(id -g "$R_USER")
stat -c '%a %g' /dev/net/tun >"$D/state/tun.before"
chgrp "$R_GID" /dev/net/tun && chmod 0660 /dev/net/tun || die "cannot lend /dev/net/tun to $R_USER"
mkdir -p "$R_DIR/run" "$R_DIR/home" "$R_DIR/data"
chown -R "$R_USER:" "$R_DIR" && chmod 0700 "$R_DIR/run"
setsid runuser -u "$R_USER" -- env -i PATH=/usr/share/docker.io/contrib:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME="$R_DIR/home" XDG_RUNTIME_DIR="$R_DIR/run" \
  dockerd-rootless.sh --data-root "$R_DIR/data" --storage-driver vfs >"$D/logs/dockerd-r.log" 2>&1 &
record_pid "$D" dockerd-r $!

# --- 8. fronts, blackhole, sshd, agent (need only paths, not a running daemon) -----------------------------
A_SOCK=$D/a/docker.sock B_SOCK=$D/b/docker.sock C_SOCK=$D/c/docker.sock
start_session() { # NAME CMD... -- own session via setsid: the recorded PID is the command itself and every
  # process it forks (socat's per-connection children, the blackhole's sleeps) stays in its session,
  # which down.sh signals after checking the leader's start time
  local n=$1; shift
  setsid "$@" >"$D/logs/$n.log" 2>&1 &
  record_pid "$D" "$n" $!
}
# A container cannot reach the host's 127.0.0.1: A's fronts listen on A's bridge IP
start_session socat-a-tcp /usr/bin/socat "TCP-LISTEN:$P_A_TCP,bind=$BR_A_IP,reuseaddr,fork" "UNIX-CONNECT:$A_SOCK"
start_session socat-a-tls /usr/bin/socat \
  "OPENSSL-LISTEN:$P_A_TLS,bind=$BR_A_IP,reuseaddr,fork,cert=$D/certs/server/cert.pem,key=$D/certs/server/key.pem,cafile=$D/certs/server/ca.pem,verify=1" \
  "UNIX-CONNECT:$A_SOCK"
start_session socat-a-tls-cn /usr/bin/socat \
  "OPENSSL-LISTEN:$P_A_TLS_CN,bind=$BR_A_IP,reuseaddr,fork,cert=$D/certs/cn-only/cert.pem,key=$D/certs/cn-only/key.pem,cafile=$D/certs/cn-only/ca.pem,verify=1" \
  "UNIX-CONNECT:$A_SOCK"
start_session socat-b-tcp /usr/bin/socat "TCP-LISTEN:$P_B_TCP,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$B_SOCK"
# Stand-ins for sysbox's service sockets (/run/sysbox/sysmgr.sock, /run/sysbox/sysfs.sock) inside DIR: they
# accept connections, nothing more. For ws-launch's "sysbox.services" check when its directory is configurable.
mkdir -p "$D/sysbox-run"
start_session sysbox-mgr /usr/bin/socat "UNIX-LISTEN:$D/sysbox-run/sysmgr.sock,fork" "EXEC:/bin/sleep 3600"
start_session sysbox-fs /usr/bin/socat "UNIX-LISTEN:$D/sysbox-run/sysfs.sock,fork" "EXEC:/bin/sleep 3600"
start_session blackhole /usr/bin/socat "TCP-LISTEN:$P_BH,bind=127.0.0.1,reuseaddr,fork" "EXEC:/bin/sleep 3600"

# sshd (D): key-only, remote docker = daemon A
S=$D/ssh
mkdir -p "$S/bin" && chmod 0755 "$S"
[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 0755 /run/sshd && touch "$D/state/created.run-sshd"; }
for k in hostkey:wsl-hostkey wrong-hostkey:wsl-wrong-hostkey id_ed25519:wsl-client; do
  ssh-keygen -q -t ed25519 -N '' -C "${k#*:}" -f "$S/${k%%:*}" || die "ssh-keygen failed"
done
cp "$S/id_ed25519.pub" "$S/authorized_keys"
hk=$(cut -d' ' -f1,2 "$S/hostkey.pub"); whk=$(cut -d' ' -f1,2 "$S/wrong-hostkey.pub")
printf '[127.0.0.1]:%s %s\n[%s]:%s %s\n' "$P_SSH" "$hk" "$BR_A_IP" "$P_SSH" "$hk" >"$S/known_hosts"
printf '[127.0.0.1]:%s %s\n[%s]:%s %s\n' "$P_SSH" "$whk" "$BR_A_IP" "$P_SSH" "$whk" >"$S/known_hosts.wrong"
chmod 0644 "$S/known_hosts" "$S/known_hosts.wrong"   # mounted read-only into workspaces running as uid 1000
cat >"$S/sshd_config" <<EOF
ListenAddress 127.0.0.1:$P_SSH
ListenAddress $BR_A_IP:$P_SSH
HostKey $S/hostkey
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
# the keys sit below /tmp-like dirs that StrictModes would reject
StrictModes no
AllowAgentForwarding yes
AllowStreamLocalForwarding yes
# "docker -H ssh://" runs "docker system dial-stdio" remotely: point it at TEST daemon A (not a host
# daemon) and keep a non-Debian docker out of the remote PATH (trap 7)
SetEnv DOCKER_HOST=unix://$A_SOCK PATH=/usr/bin:/bin:/usr/sbin:/sbin
LogLevel INFO
EOF
cat >"$S/ssh_config" <<EOF
Host *
  IdentityFile $S/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $S/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
  ConnectTimeout 5
EOF
# Trap 17: the docker CLI execs plain "ssh" from PATH and cannot pass -i/-F, and ssh reads ~/.ssh of the
# passwd home, not $HOME: a wrapper to put first in PATH.
printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$S/ssh_config" >"$S/bin/ssh" && chmod 0755 "$S/bin/ssh"
/usr/sbin/sshd -t -f "$S/sshd_config" || die "sshd -t rejected $S/sshd_config"
/usr/sbin/sshd -D -e -f "$S/sshd_config" >"$D/logs/sshd.log" 2>&1 &   # absolute path: sshd requires it
record_pid "$D" sshd $!

# ssh-agent: runs as uid 1000 because ssh-agent refuses peers whose euid is neither 0 nor its own uid --
# the workspace's ssh runs as kloud (1000); root (host-side tests) is always allowed.
AG=$D/agent
mkdir -p "$AG" && chown 1000:1000 "$AG" && chmod 0700 "$AG"
setpriv --reuid=1000 --regid=1000 --clear-groups /usr/bin/ssh-agent -D -a "$AG/agent.sock" >"$D/logs/ssh-agent.log" 2>&1 &
record_pid "$D" ssh-agent $!
step "registry, dockerd A/B/C, socat fronts, blackhole, sshd, ssh-agent started"
failpoint started

# --- 9. readiness (bounded) -------------------------------------------------------------------------------
all_ready() { ping_sock "$A_SOCK" && ping_sock "$B_SOCK" && ping_sock "$C_SOCK"; }
for ((i = 0; i < 300; i++)); do
  all_ready && break
  for n in a b c; do
    recorded_pid "$D" "dockerd-$n" >/dev/null || { tail -n 15 "$D/logs/dockerd-$n.log" >&2; die "dockerd $n exited"; }
  done
  sleep 0.1
done
all_ready || die "dockerd A/B/C not answering /_ping after 30 s (logs in $D/logs)"
step "dockerd A, B, C answer /_ping"
wait_until 10 curl -sf --max-time 1 "http://$REG/v2/" || die "registry not ready (see $D/logs/registry.log)"
for p in "$P_A_TCP" "$P_A_TLS" "$P_A_TLS_CN" "$P_B_TCP" "$P_BH" "$P_SSH"; do
  wait_until 10 port_listening "$p" || die "nothing listening on port $p (see $D/logs)"
done
for n in socat-a-tcp socat-a-tls socat-a-tls-cn socat-b-tcp blackhole sysbox-mgr sysbox-fs sshd ssh-agent registry; do
  recorded_pid "$D" "$n" >/dev/null || die "$n exited (see $D/logs/$n.log)"
done
wait_until 10 test -S "$D/sysbox-run/sysmgr.sock" -a -S "$D/sysbox-run/sysfs.sock" || die "sysbox stand-in sockets missing"
wait_until 10 test -S "$AG/agent.sock" || die "ssh-agent socket missing"
SSH_AUTH_SOCK=$AG/agent.sock ssh-add -q "$S/id_ed25519" 2>/dev/null || die "ssh-add failed"
for h in 127.0.0.1 "$BR_A_IP"; do
  wait_until 10 "$S/bin/ssh" -p "$P_SSH" "root@$h" true || die "ssh root@$h:$P_SSH not working (see $D/logs/sshd.log)"
done
# daemon C: userns-remap active?
curl -sf --unix-socket "$C_SOCK" http://localhost/info | jq -e '.SecurityOptions | any(test("name=userns"))' >/dev/null ||
  die "daemon C: /info SecurityOptions has no name=userns"
R_SOCK=$R_DIR/run/docker.sock
wait_until 30 curl -sf --unix-socket "$R_SOCK" http://localhost/_ping -o /dev/null ||
  die "rootless daemon R did not answer (see $D/logs/dockerd-r.log)"
curl -sf --unix-socket "$R_SOCK" http://localhost/info | jq -e '.SecurityOptions | any(test("name=rootless"))' >/dev/null ||
  die "daemon R: /info SecurityOptions has no name=rootless"
step "peers ready"
failpoint ready

# --- 10. images -------------------------------------------------------------------------------------------
wait "$MK_PID"; rc=$?
rm -f "$D/pids/mkimages.pid"
[ "$rc" = 0 ] || { tail -n 20 "$D/logs/mkimages.log" >&2; die "image build failed"; }
step "images built: $(tail -n 1 "$D/logs/mkimages.log")"
load() { tar -C "$D/img/stage-ws" -chf - . | "$WSL_DK" -H "unix://${2:-$D/$1/docker.sock}" load -q >"$D/logs/load-$1.log" 2>&1; }
WS_TAGS="v0.0.21 v0.1.0 v0.4.0 v0.10.2 latest tests"
# The registry is filled over its HTTP API by publish.sh (gzip -1 + curl) while the workspace image is
# loaded into A, B and C; no daemon ever holds docker:dind, so "docker pull docker:dind" on A is a real
# pull through the mirror.
"$H/publish.sh" "$D/img" "$REG" >"$D/logs/publish.log" 2>&1 & l_p=$!
record_pid "$D" publish "$l_p"
load a & l_a=$!
load b & l_b=$!
load c & l_c=$!
load r "$R_SOCK" & l_r=$!
wait "$l_a" || die "docker load into A failed (see $D/logs/load-a.log)"
wait "$l_r" || die "docker load into R failed (see $D/logs/load-r.log)"
wait "$l_b" || die "docker load into B failed (see $D/logs/load-b.log)"
wait "$l_c" || die "docker load into C failed (see $D/logs/load-c.log)"
step "workspace image loaded into A, B, C, R"
failpoint images
wait "$l_p" || { cat "$D/logs/publish.log" >&2; die "filling the registry failed"; }
rm -f "$D/pids/publish.pid"
curl -sf "http://$REG/v2/kloudkit/workspace/tags/list" | jq -e '.tags | length == 6' >/dev/null || die "registry tags incomplete"
curl -sf -o /dev/null -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  "http://$REG/v2/library/docker/manifests/dind" || die "registry has no library/docker:dind"
dA() { "$WSL_DK" -H "unix://$A_SOCK" "$@"; }
step "$(tail -n 1 "$D/logs/publish.log")"
rm -rf "$D/img"   # 200 MB of tarballs: no longer needed

# --- 11. peers.env ----------------------------------------------------------------------------------------
WS_IMAGE=ghcr.io/kloudkit/workspace:v0.0.21
WS_ID=$(dA image inspect -f '{{.Id}}' "$WS_IMAGE") || die "workspace image missing on A"
A_GID=$(stat -c %g "$A_SOCK"); A_MODE=$(stat -c %a "$A_SOCK")
B_GID=$(stat -c %g "$B_SOCK"); C_GID=$(stat -c %g "$C_SOCK")
pe() { printf "export %s='%s'\n" "$1" "$2"; }
{
  echo "# peers.env -- written by tests/harness/up.sh on $(date -u +%FT%TZ); variables documented in tests/harness/README.md"
  pe WSL_DIR "$D"
  pe WSL_HARNESS "$H"
  pe WSL_RUN_ID "$RUN_ID"
  pe WSL_DOCKER "$WSL_DK"
  pe WSL_SUBNET "$SUBNET"
  pe WSL_PORT_BASE "$PB"
  pe WSL_SNAPSHOT_BEFORE "$D/snapshot.before"
  pe WSL_OWN_CONTAINERD "$OWN_CTRD"
  # daemon A
  pe WSL_A_SOCK "$A_SOCK"
  pe WSL_A_HOST "unix://$A_SOCK"
  pe WSL_A_PID "$(recorded_pid "$D" dockerd-a)"
  pe WSL_A_SOCK_GID "$A_GID"
  pe WSL_A_SOCK_MODE "$A_MODE"
  pe WSL_A_DATA_ROOT "$D/a/data"
  pe WSL_A_BRIDGE "$BR_A"
  pe WSL_A_BRIDGE_IP "$BR_A_IP"
  pe WSL_A_BRIDGE_CIDR "$BR_A_CIDR"
  pe WSL_A_POOL "$POOL_A"
  pe WSL_A_CGROUP_PARENT "/wsl-$RUN_ID-a"
  pe WSL_A_DEFAULT_RUNTIME runc-nosysres
  pe WSL_A_SYSBOX_RUNTIME_PATH "$D/bin/sysbox-runc"
  pe WSL_A_MIRROR "http://$REG"
  pe WSL_SYSBOX_RUN_DIR "$D/sysbox-run"
  pe WSL_A_TCP_PORT "$P_A_TCP"
  pe WSL_A_TCP_HOST "tcp://$BR_A_IP:$P_A_TCP"
  pe WSL_A_TLS_PORT "$P_A_TLS"
  pe WSL_A_TLS_HOST "tcp://$BR_A_IP:$P_A_TLS"
  pe WSL_A_TLS_CN_PORT "$P_A_TLS_CN"
  pe WSL_A_TLS_CN_HOST "tcp://$BR_A_IP:$P_A_TLS_CN"
  # daemon B
  pe WSL_B_SOCK "$B_SOCK"
  pe WSL_B_HOST "unix://$B_SOCK"
  pe WSL_B_PID "$(recorded_pid "$D" dockerd-b)"
  pe WSL_B_SOCK_GID "$B_GID"
  pe WSL_B_BRIDGE "$BR_B"
  pe WSL_B_BRIDGE_IP "$BR_B_IP"
  pe WSL_B_POOL "$POOL_B"
  pe WSL_B_TLS_PORT "$P_B_TLS"
  pe WSL_B_TLS_HOST "tcp://127.0.0.1:$P_B_TLS"
  pe WSL_B_TCP_PORT "$P_B_TCP"
  pe WSL_B_TCP_HOST "tcp://127.0.0.1:$P_B_TCP"
  # daemon C
  pe WSL_C_SOCK "$C_SOCK"
  pe WSL_C_HOST "unix://$C_SOCK"
  pe WSL_C_PID "$(recorded_pid "$D" dockerd-c)"
  pe WSL_C_SOCK_GID "$C_GID"
  pe WSL_C_NETNS "$NS_C"
  pe WSL_C_USERNS_REMAP default
  pe WSL_C_REMAP_USER dockremap
  # daemon R (rootless)
  pe WSL_R_SOCK "$R_SOCK"
  pe WSL_R_HOST "unix://$R_SOCK"
  pe WSL_R_USER "$R_USER"
  pe WSL_R_UID "$R_UID"
  pe WSL_R_GID "$R_GID"
  pe WSL_R_RUNTIME_DIR "$R_DIR/run"
  pe WSL_R_PID "$(pgrep -u "$R_USER" -x dockerd | head -n 1)"
  # TLS material
  pe WSL_TLS_CERT_DIR "$D/certs/client"
  pe WSL_TLS_CA "$D/certs/client/ca.pem"
  pe WSL_TLS_SERVER_DIR "$D/certs/server"
  pe WSL_TLS_WRONG_CERT_DIR "$D/certs/wrong"
  pe WSL_TLS_CN_ONLY_DIR "$D/certs/cn-only"
  # ssh
  pe WSL_SSH_PORT "$P_SSH"
  pe WSL_SSH_USER root
  pe WSL_SSH_HOST_LO 127.0.0.1
  pe WSL_SSH_HOST_BRIDGE "$BR_A_IP"
  pe WSL_SSH_URL_LO "ssh://root@127.0.0.1:$P_SSH"
  pe WSL_SSH_URL_BRIDGE "ssh://root@$BR_A_IP:$P_SSH"
  pe WSL_SSH_PID "$(recorded_pid "$D" sshd)"
  pe WSL_SSH_DIR "$S"
  pe WSL_SSH_KEY "$S/id_ed25519"
  pe WSL_SSH_KNOWN_HOSTS "$S/known_hosts"
  pe WSL_SSH_KNOWN_HOSTS_WRONG "$S/known_hosts.wrong"
  pe WSL_SSH_CONFIG "$S/ssh_config"
  pe WSL_SSH_BIN_DIR "$S/bin"
  pe WSL_SSH_AUTH_SOCK "$AG/agent.sock"
  pe WSL_SSH_AGENT_PID "$(recorded_pid "$D" ssh-agent)"
  # blackhole
  pe WSL_BLACKHOLE_PORT "$P_BH"
  pe WSL_BLACKHOLE_ADDR "127.0.0.1:$P_BH"
  # registry
  pe WSL_REGISTRY "$REG"
  pe WSL_REGISTRY_URL "http://$REG"
  pe WSL_REGISTRY_PORT "$P_REG"
  pe WSL_REGISTRY_PID "$(recorded_pid "$D" registry)"
  pe WSL_WS_REPO "$REG/kloudkit/workspace"
  pe WSL_WS_TAGS "$WS_TAGS"
  pe WSL_WS_NEWEST_TAG v0.10.2
  # images
  pe WSL_WS_IMAGE "$WS_IMAGE"
  pe WSL_WS_IMAGE_ID "$WS_ID"
  pe WSL_WS_USER 1000
  pe WSL_WS_DOCKER_GID 990
  pe WSL_WS_MARKER "kloud workspace stand-in"
  pe WSL_DIND_IMAGE docker:dind
  pe WSL_DIND_REF "$REG/library/docker:dind"
  # spare ports, free when up.sh finished
  pe WSL_FREE_PORT_1 "$P_FREE1"
  pe WSL_FREE_PORT_2 "$P_FREE2"
  pe WSL_FREE_PORT_3 "$P_FREE3"
  pe WSL_FREE_PORT_4 "$P_FREE4"
} >"$D/peers.env"
failpoint env
UP_OK=1
step "up: done -- source $D/peers.env"
