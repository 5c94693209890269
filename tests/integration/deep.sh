#!/bin/bash
# Issue 22.1: `check MODE --deep` proves the inner daemon.  privileged, sysbox
# and dind start the mode's real container (image, privileges, runtime,
# settings) under a throwaway name, wait for its dockerd to answer docker
# info inside, and remove everything; a failure names its cause from the
# inner daemon's own log: no dockerd, iptables (with the remedy), the storage
# driver, a daemon that never answers (the bound); Ctrl-C removes the trial.
# The special images are made here from the stand-in and removed at the end.
. "$(dirname "$0")/../lib/peers.sh"
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
trap 'cleanup_images; t_cleanup' EXIT
cfg=$XDG_CONFIG_HOME/ws-launch
J=$T_TMP/check.json
# deep ARGS: check --deep --json; sets rc and the deep check's fields.
deep() {
  "$WS_BIN" check "$@" --deep --json --offline >"$J" 2>"$T_TMP/deep.err"; rc=$?
  st=$(jqf "$J" '.checks[] | select(.id=="deep") | .status')
  finding=$(jqf "$J" '.checks[] | select(.id=="deep") | .finding')
  remedy=$(jqf "$J" '.checks[] | select(.id=="deep") | .remedy')
  cause=$(jqf "$J" '.checks[] | select(.id=="deep") | .data.cause')
}
# nothing of a trial is left: no container with the label, no daemon.json
nothing_left() {
  eq "$(DK ps -aq --filter label=ws-launch.deep)" "" "$1: a trial container was left"
  eq "$(ls "$cfg/daemon" 2>/dev/null | grep ws-launch-deep)" "" "$1: a trial daemon.json was left"
}

# --- the stand-ins' inner daemons answer
deep privileged --inner-iptables off --inner-mtu 1400
eq "$st" pass "privileged: $finding"
has "$finding" "the inner dockerd answered docker info" "privileged names the inner dockerd"
has "$finding" "with the launch's daemon.json" "privileged runs with its settings"
has "$(cat "$T_TMP/deep.err")" "deep: waiting for the inner dockerd" "progress on stderr"
nothing_left privileged
deep sysbox
eq "$st" pass "sysbox: $finding"
has "$(jqf "$J" '.checks[] | select(.id=="deep") | .data.privileges')" "--runtime sysbox-runc" "sysbox runs its runtime"
nothing_left sysbox
DK image inspect "$WSL_DIND_IMAGE" >/dev/null 2>&1 || DK pull -q "$WSL_DIND_IMAGE" >/dev/null
deep dind --inner-mtu 1400
eq "$st" pass "dind: $finding"
has "$finding" "the sidecar's dockerd answered" "dind proves the sidecar's dockerd"
nothing_left dind

# --- (a) an image without dockerd
imgnd=wsl-deep-$(uname_ nodockerd):v1
derive "$imgnd" rm /usr/sbin/dockerd
deep privileged --image "$imgnd"
eq "$rc" 1 "no dockerd: exit"
eq "$st" fail "no dockerd"
has "$finding" "the image $imgnd has no dockerd" "no dockerd named"
nothing_left "no dockerd"

# --- (b) iptables: our daemon.json leaves iptables on, the stand-in has no iptables binary
deep privileged --inner-mtu 1400
eq "$st" fail "iptables"
eq "$cause" iptables "the cause"
has "$finding" "Iptables not found" "the daemon's own words"
has "$remedy" "--inner-iptables off" "the remedy"
nothing_left iptables

# --- the storage driver, from the daemon's fatal line (a dockerd that logs it and exits)
imgst=wsl-deep-$(uname_ storage):v1
derive "$imgst" sh -c 'printf "%s\n" "#!/bin/sh" "echo \"time=\\\"2026-12-07T00:00:00Z\\\" level=fatal msg=\\\"failed to start daemon: error initializing graphdriver: driver not supported\\\"\"" "exit 1" >/usr/sbin/dockerd'
deep privileged --image "$imgst"
eq "$st" fail "storage"
eq "$cause" "storage driver" "the storage cause"
has "$finding" "error initializing graphdriver: driver not supported" "the daemon's msg"
nothing_left storage

# --- a dockerd that never answers: the bound (--timeout), then its log's last lines
imghang=wsl-deep-$(uname_ hang):v1
derive "$imghang" sh -c 'printf "%s\n" "#!/bin/sh" "echo still starting" "sleep 600" >/usr/sbin/dockerd'
deep privileged --image "$imghang" --timeout 4
eq "$st" fail "hang"
has "$finding" "did not answer within" "the bound"
has "$finding" "still starting" "the log's last lines"
nothing_left hang

# --- Ctrl-C while it waits: exit 130, the trial removed
"$WS_BIN" check privileged --deep --offline --image "$imghang" >"$T_TMP/int.out" 2>"$T_TMP/int.err" &
pid=$!
for _ in $(seq 100); do grep -q "deep: waiting" "$T_TMP/int.err" 2>/dev/null && break; sleep 0.1; done
has "$(cat "$T_TMP/int.err")" "deep: waiting" "the trial reached its wait"
kill -INT "$pid"
wait "$pid"; rc=$?
eq "$rc" 130 "Ctrl-C: exit"
has "$(cat "$T_TMP/int.err")" "interrupted; the trial container and its daemon.json were removed" "Ctrl-C says so"
nothing_left "Ctrl-C"
