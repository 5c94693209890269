#!/bin/bash
# down.sh DIR -- tear down everything up.sh DIR started, by recorded PID only, then compare the host
# with DIR/snapshot.before. Exit 0: clean; 1: leftovers (diff printed, also in DIR/leftovers.diff);
# 2: DIR is not a harness directory. Idempotent, and safe after a partial or failed up.sh (every step
# is keyed on a PID file or a DIR/state marker written when the object was created).
# Kept afterwards in DIR: logs/, state/, snapshot.*, leftovers.diff (for post-mortems); the caller may
# rm -rf DIR.
set -u
H=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$H/lib.sh"
WSL_LOG_TAG=down
T_START=$(now_ms)
step() { log "$(printf '%6d ms  %s' $(( $(now_ms) - T_START )) "$*")"; }

D=${1:-}
[ -n "$D" ] || { echo "usage: down.sh DIR" >&2; exit 2; }
case $D in /*) ;; *) D=$PWD/$D ;; esac
D=${D%/}
[ -d "$D" ] || { echo "down.sh: $D does not exist: nothing to do"; exit 0; }
[ -f "$D/snapshot.before" ] || [ -f "$D/state/run.env" ] || { echo "down.sh: $D is not a harness directory" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "down.sh: must run as root" >&2; exit 2; }
RUN_ID="" SUBNET="" IPT_RULE="" PORT_BASE=""
# shellcheck disable=SC1091
[ -f "$D/state/run.env" ] && . "$D/state/run.env"

# --- 1. the background image build (failed up.sh only) -------------------------------------------------
stop_recorded "$D" mkimages 5
stop_recorded "$D" publish 5

# --- 2. containers and user-defined networks, while the daemons still run ------------------------------
# Trap 13: a container whose PID 1 ignores SIGTERM makes the daemon stop take 11-12 s -> rm -f first.
# Trap 14: user-defined networks' br-<id> bridges survive a daemon stop -> network rm while it runs.
clean_daemon() { # NAME
  local sock=$D/$1/docker.sock ids nets
  [ -S "$sock" ] && ping_sock "$sock" || return 0
  ids=$("$WSL_DK" -H "unix://$sock" ps -aq 2>/dev/null)
  # shellcheck disable=SC2086
  [ -n "$ids" ] && timeout 60 "$WSL_DK" -H "unix://$sock" rm -f -v $ids >/dev/null 2>&1
  nets=$("$WSL_DK" -H "unix://$sock" network ls -q --filter type=custom 2>/dev/null)
  # shellcheck disable=SC2086
  [ -n "$nets" ] && timeout 30 "$WSL_DK" -H "unix://$sock" network rm $nets >/dev/null 2>&1
  return 0
}
clean_daemon a & c1=$!
clean_daemon b & c2=$!
clean_daemon c & c3=$!
wait "$c1" "$c2" "$c3"
# R, the rootless daemon: its containers, then every process of its user (the user exists for this run
# only, so nothing else can be hit); its namespaces and mounts go with them.
if [ -f "$D/state/rootless-user" ]; then
  R_USER=$(cat "$D/state/rootless-user")
  r_sock=$D/r/run/docker.sock
  if [ -S "$r_sock" ] && ping_sock "$r_sock"; then
    ids=$("$WSL_DK" -H "unix://$r_sock" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086
    [ -n "$ids" ] && timeout 60 "$WSL_DK" -H "unix://$r_sock" rm -f -v $ids >/dev/null 2>&1
  fi
  if getent passwd "$R_USER" >/dev/null; then
    pkill -TERM -u "$R_USER" 2>/dev/null
    for _ in $(seq 1 100); do pgrep -u "$R_USER" >/dev/null || break; sleep 0.1; done
    pkill -KILL -u "$R_USER" 2>/dev/null
    for _ in $(seq 1 50); do pgrep -u "$R_USER" >/dev/null || break; sleep 0.1; done
    pgrep -u "$R_USER" >/dev/null && warn "processes of $R_USER survive SIGKILL"
  fi
  rm -f "$D/pids/dockerd-r.pid"
fi
step "containers and networks removed"

# --- 3. fronts, blackhole, sshd, agent, registry --------------------------------------------------------
for n in socat-a-tcp socat-a-tls socat-a-tls-cn socat-b-tcp blackhole sysbox-mgr sysbox-fs sshd ssh-agent registry; do
  stop_recorded "$D" "$n" 5 &
done
wait
step "socat fronts, blackhole, sshd, ssh-agent, registry stopped"

# --- 4. daemons: SIGTERM by PID, bounded wait, SIGKILL + recovery -----------------------------------------
# where containerd keeps the task bundles of daemon NAME, and its gRPC address (dockerd-managed
# containerd, or the private one up.sh starts when a system containerd exists -- trap 18)
task_root() { if [ -f "$D/state/containerd-$1.cmd" ]; then echo "$D/$1/exec/ctrd-state/io.containerd.runtime.v2.task"
              else echo "$D/$1/exec/containerd/daemon/io.containerd.runtime.v2.task"; fi; }
ctrd_addr() { if [ -f "$D/state/containerd-$1.cmd" ]; then echo "$D/$1/exec/ctrd.sock"
              else echo "$D/$1/exec/containerd/containerd.sock"; fi; }
ping_ctrd() { [ -S "$(ctrd_addr "$1")" ]; }   # the socket is recreated when containerd is ready
has_tasks() { # NAME -- containerd still has task bundles of this daemon (running shims)
  local t; t=$(task_root "$1")
  [ -d "$t" ] && [ -n "$(find "$t" -mindepth 2 -maxdepth 2 -type d 2>/dev/null)" ]
}
# kill_tasks NAME -- last resort when the recovery restart failed: for each task bundle containerd
# recorded, SIGKILL the container's init (init.pid, checked against its cgroup) and its shim (the init's
# parent, checked against "-id <id>" in its argv), then remove the shim's socket in /run/containerd/s
# (containerd 1.6 names it sha256("<containerd address>/<namespace>/<id>")).
kill_tasks() {
  local n=$1 root addr b id ns init shim
  root=$(task_root "$n"); addr=$(ctrd_addr "$n")
  for b in "$root"/*/*/; do
    [ -d "$b" ] || continue
    b=${b%/}; id=${b##*/}; ns=${b%/*}; ns=${ns##*/}
    init=$(cat "$b/init.pid" 2>/dev/null); shim=""
    if [ -n "$init" ] && grep -q "$id" "/proc/$init/cgroup" 2>/dev/null; then
      shim=$(ps -o ppid= -p "$init" | tr -d ' ')
      warn "recovery failed: SIGKILL container init $init ($id)"
      kill -KILL "$init" 2>/dev/null
    fi
    if [ -n "$shim" ] && tr '\0' ' ' <"/proc/$shim/cmdline" 2>/dev/null | grep -q -- "-id $id"; then
      sleep 0.3; warn "recovery failed: SIGKILL shim $shim"; kill -KILL "$shim" 2>/dev/null
    fi
    rm -f "/run/containerd/s/$(printf '%s' "$addr/$ns/$id" | sha256sum | cut -c1-64)"
  done
  sleep 0.5
}
stop_daemon() { # NAME
  local n=$1 f=$D/pids/dockerd-$1.pid pid st i cmd=() run=() c skip=0 recover=0 pf p
  [ -f "$f" ] || return 0
  read -r pid st <"$f"
  # (a dockerd that was SIGKILLed may linger as a zombie until PID 1 reaps it: that counts as crashed)
  if [ "$(pid_starttime "$pid" 2>/dev/null)" = "$st" ] && pid_running "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 200; i++)); do pid_running "$pid" || break; sleep 0.1; done
    if pid_running "$pid"; then
      warn "dockerd $n (pid $pid) still running 20 s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null; sleep 0.5
      recover=1
    fi
  else
    recover=1   # it died before we stopped it (crash, external SIGKILL)
  fi
  # Trap 15: after a SIGKILL of dockerd its containerd dies too, but shims, containers, mounts and veths
  # stay. Recovery (verified recipe): restart the same command on the same data-root WITHOUT
  # --default-address-pool (trap 2), remove the containers, stop it cleanly again.
  if [ "$recover" = 1 ] && has_tasks "$n" && [ -f "$D/state/dockerd-$n.cmd" ]; then
    warn "dockerd $n did not stop cleanly and left running containers: recovery restart"
    local ok=1
    if [ -f "$D/state/containerd-$n.cmd" ]; then
      p=$(recorded_pid "$D" "containerd-$n") && pid_running "$p" || p=""
      if [ -z "$p" ]; then   # our private containerd died too (zombies count as dead)
        mapfile -t cmd <"$D/state/containerd-$n.cmd"
        rm -f "$(ctrd_addr "$n")"
        "${cmd[@]}" >>"$D/logs/containerd-$n.log" 2>&1 &
        record_pid "$D" "containerd-$n" $!
        wait_until 20 ping_ctrd "$n" || { warn "recovery containerd $n not answering"; ok=0; }
      fi
    fi
    # stale pid files: a killed dockerd/containerd can linger as a zombie until PID 1 reaps it, and
    # dockerd refuses to start while /proc/<pid in its pidfile> exists
    for pf in "$D/$n/dockerd.pid" "$D/$n/exec/containerd/containerd.pid"; do
      [ -f "$pf" ] && p=$(cat "$pf") && ! pid_running "$p" && rm -f "$pf"
    done
    mapfile -t cmd <"$D/state/dockerd-$n.cmd"
    [ "$ok" = 1 ] || cmd=()
    for c in "${cmd[@]}"; do
      [ "$skip" = 1 ] && { skip=0; continue; }
      [ "$c" = --default-address-pool ] && { skip=1; continue; }
      run+=("$c")
    done
    if [ "${#run[@]}" -gt 0 ]; then
      "${run[@]}" >>"$D/logs/dockerd-$n.log" 2>&1 &
      record_pid "$D" "dockerd-$n" $!
      if wait_until 30 ping_sock "$D/$n/docker.sock"; then clean_daemon "$n"; else warn "recovery dockerd $n not answering"; fi
      stop_recorded "$D" "dockerd-$n" 20
    fi
    has_tasks "$n" && kill_tasks "$n"
  fi
  rm -f "$f"
  stop_recorded "$D" "containerd-$n" 10
}
stop_daemon a & s1=$!
stop_daemon b & s2=$!
stop_daemon c & s3=$!
wait "$s1" "$s2" "$s3"
step "dockerd A, B, C stopped"

# --- 5. mounts below DIR (normally none after a clean stop) ----------------------------------------------
grep -F " $D/" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
  umount -l "$m" 2>/dev/null && warn "unmounted leftover $m"
done

# --- 6. links: our bridges, and br-*/veth leftovers of our subnet (only after a crash) -------------------
if [ -n "$SUBNET" ]; then
  pfx=${SUBNET%.0.0/16}.
  ip -o -4 addr | awk '{print $2, $4}' | while read -r dev cidr; do
    case "$dev:$cidr" in br-*:"$pfx"*) ip link del "$dev" 2>/dev/null && warn "deleted leftover $dev ($cidr)" ;; esac
  done
fi
for m in "$D"/state/created.bridge.*; do
  [ -e "$m" ] || continue
  br=${m##*/created.bridge.}
  for v in $(ip -o link show master "$br" 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'); do
    ip link del "$v" 2>/dev/null && warn "deleted leftover $v (was on $br)"
  done
  ip link del "$br" 2>/dev/null
  ip link show "$br" >/dev/null 2>&1 || rm -f "$m"
done

# --- 7. the FORWARD rule (unique comment wsl-RUNID) --------------------------------------------------------
if [ -n "$IPT_RULE" ]; then
  # shellcheck disable=SC2086
  while iptables -D $IPT_RULE 2>/dev/null; do :; done
  rm -f "$D/state/created.iptables"
fi

# --- 8. netns of daemon C (takes its docker0, veths and iptables tables with it) ---------------------------
for m in "$D"/state/created.netns.*; do
  [ -e "$m" ] || continue
  ns=${m##*/created.netns.}
  [ -e "/run/netns/$ns" ] && ip netns del "$ns"
  [ -e "/run/netns/$ns" ] || rm -f "$m"
done
if [ -f "$D/state/created.run-netns" ] && [ -d /run/netns ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
  # the first "ip netns add" bind-mounted /run/netns onto itself
  while grep -q ' /run/netns ' /proc/self/mountinfo; do umount /run/netns 2>/dev/null || break; done
  rmdir /run/netns 2>/dev/null && rm -f "$D/state/created.run-netns"
fi

# --- 9. cgroup dirs (--cgroup-parent /wsl-RUNID-{a,b,c}; nested inner dockerds live below them) ---------
if [ -n "$RUN_ID" ]; then
  for g in /sys/fs/cgroup/*/wsl-"$RUN_ID"-* /sys/fs/cgroup/wsl-"$RUN_ID"-*; do
    [ -d "$g" ] && find "$g" -depth -type d -exec rmdir {} \; 2>/dev/null
    [ -d "$g" ] && warn "cannot remove cgroup $g (processes still inside?)"
  done
fi

# --- 10. accounts: undo dockerd --userns-remap=default exactly ----------------------------------------------
B4=$D/state/etc-before
if [ -d "$B4" ]; then
  if [ -f "$D/state/dockremap.absent-before" ] && getent passwd dockremap >/dev/null; then
    userdel dockremap 2>/dev/null || warn "userdel dockremap failed"
  fi
  if [ -f "$D/state/dockremap-group.absent-before" ] && getent group dockremap >/dev/null; then
    groupdel dockremap 2>/dev/null || warn "groupdel dockremap failed"
  fi
  # the rootless daemon's user (and its group, and its subordinate ids)
  R_USER=$(cat "$D/state/rootless-user" 2>/dev/null)
  if [ -n "$R_USER" ]; then
    getent passwd "$R_USER" >/dev/null && { userdel "$R_USER" 2>/dev/null || warn "userdel $R_USER failed"; }
    getent group "$R_USER" >/dev/null && { groupdel "$R_USER" 2>/dev/null || warn "groupdel $R_USER failed"; }
    for f in subuid subgid; do
      if [ -f "/etc/$f" ] && grep -q "^$R_USER:" "/etc/$f"; then
        grep -v "^$R_USER:" "/etc/$f" >"$D/state/$f.new"; cat "$D/state/$f.new" >"/etc/$f"; rm -f "$D/state/$f.new"
      fi
    done
  fi
  for f in subuid subgid; do
    # ranges dockerd added (userdel may or may not drop them); rewrite in place to keep owner/mode
    if [ -f "/etc/$f" ] && ! grep -q '^dockremap:' "$B4/$f" 2>/dev/null && grep -q '^dockremap:' "/etc/$f"; then
      grep -v '^dockremap:' "/etc/$f" >"$D/state/$f.new"; cat "$D/state/$f.new" >"/etc/$f"; rm -f "$D/state/$f.new"
    fi
  done
  # useradd/usermod/userdel rewrite the "-" backup files: put back exactly what was there (or nothing) --
  # only when this run's dockerd created the account (otherwise nothing of ours touched them)
  for f in passwd- group- shadow- gshadow- subuid- subgid-; do
    [ -f "$D/state/dockremap.absent-before" ] || [ -n "$R_USER" ] || break
    if [ -f "$B4/$f" ]; then
      cmp -s "$B4/$f" "/etc/$f" || cp -p "$B4/$f" "/etc/$f"
    elif [ -f "$B4/$f.absent" ]; then
      rm -f "/etc/$f"
    fi
  done
  for f in passwd group shadow gshadow subuid subgid; do
    [ -f "$B4/$f" ] && ! cmp -s "$B4/$f" "/etc/$f" && warn "/etc/$f differs from its state before up.sh (see diff below)"
  done
fi
# dockerd (20.10) writes its libtrust key to /etc/docker/key.json whatever --config-file says
if [ -f "$D/state/etc-docker-key.absent-before" ]; then
  rm -f /etc/docker/key.json
  [ -f "$D/state/etc-docker.absent-before" ] && rmdir /etc/docker 2>/dev/null
fi

if [ -f "$D/state/run-docker.absent-before" ] && [ -d /run/docker ]; then
  rmdir /run/docker/plugins /run/docker 2>/dev/null   # empty dirs only: never anything a host daemon put there
fi

if [ -f "$D/state/run-containerd.absent-before" ] && [ -d /run/containerd ]; then
  rmdir /run/containerd/s /run/containerd 2>/dev/null   # empty dirs only
fi

# /dev/net/tun: its group and mode back (lent to the rootless daemon's user)
if [ -f "$D/state/tun.before" ]; then
  read -r t_mode t_gid <"$D/state/tun.before"
  chgrp "$t_gid" /dev/net/tun && chmod "$t_mode" /dev/net/tun && rm -f "$D/state/tun.before" ||
    warn "cannot give /dev/net/tun back its group $t_gid and mode $t_mode"
fi

# --- 11. /run/sshd if up.sh created it -----------------------------------------------------------------------
# Another harness's sshd still needs it (two runs side by side): it is handed over to that run, which
# removes it in its own teardown, and it is not a leftover of this one.
handed_sshd=
if [ -f "$D/state/created.run-sshd" ]; then
  for cfg in $(pgrep -a sshd | grep -o -- '-f /[^ ]*/ssh/sshd_config' | sed 's/^-f //'); do
    other=${cfg%/ssh/sshd_config}
    [ "$other" != "$D" ] && [ -d "$other/state" ] && touch "$other/state/created.run-sshd" && handed_sshd=1
  done
  if [ -n "$handed_sshd" ]; then
    rm -f "$D/state/created.run-sshd"
  else
    rmdir /run/sshd 2>/dev/null; [ -d /run/sshd ] || rm -f "$D/state/created.run-sshd"
  fi
fi

# --- 12. files below DIR (never while something is still mounted there) -------------------------------------
if grep -qF " $D/" /proc/self/mountinfo; then
  warn "mounts remain below $D: not deleting its data"
else
  rm -rf "${D:?}"/{a,b,c,r,img,certs,ssh,agent,reg,bin,sysbox-run,pids,peers.env}
fi
step "teardown done"

# --- 13. leftover check -----------------------------------------------------------------------------------
"$H/snapshot.sh" "$D" >"$D/snapshot.after"
if [ ! -f "$D/snapshot.before" ]; then
  warn "no snapshot.before: cannot check for leftovers"; exit 1
fi
# Listening ports: only this run's block PORT_BASE..+15 is compared. Other software on the host opens
# and closes listeners all the time; the harness's own listeners are all in that block, and published
# container ports are covered by the docker-proxy process count.
lo=${PORT_BASE:-0}; hi=$(( ${PORT_BASE:-0} > 0 ? PORT_BASE + 15 : 0 ))
only_ours() {
  # (a cgroup dir of another harness run, made while this one was up, is that run's to remove)
  awk -v lo="$lo" -v hi="$hi" -v handed="$handed_sshd" -v run="${RUN_ID:-}" '/^# listening tcp/ {sec = 1; print; next} /^#/ {sec = 0}
    handed && $0 == "/run/sshd" {next}
    run != "" && match($0, /^\/sys\/fs\/cgroup\/.*wsl-[0-9]+-/) { if ($0 !~ ("wsl-" run "-")) next }
    sec { n = split($0, a, ":"); p = a[n] + 0; if (p < lo || p > hi) next } {print}' "$1"
}
if diff -u --label snapshot.before --label snapshot.after <(only_ours "$D/snapshot.before") \
     <(only_ours "$D/snapshot.after") >"$D/leftovers.diff"; then
  rm -f "$D/leftovers.diff"
  log "LEFTOVERS: none (host state identical to snapshot.before); total $(( $(now_ms) - T_START )) ms"
  exit 0
fi
log "LEFTOVERS: the host differs from snapshot.before (also in $D/leftovers.diff):"
cat "$D/leftovers.diff" >&2
exit 1
