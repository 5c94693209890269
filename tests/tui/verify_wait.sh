#!/bin/bash
# Issue 20.3: on a terminal, the wait for Docker inside is one line updated
# in place ("verifying Docker inside: 3 s of 10 s — Cannot connect …"), not
# a line per try; the final message is the diagnosis, then where to look.
# `up tcp` aimed at a port of this host's bridge address where no daemon
# listens waits out its bound (a loopback address fails at once: inside the
# workspace it is the workspace itself).
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/lib/tmux.sh"
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
port2=$(free_port)
n=$(uname_ wait)
cat >"$TUI_DIR/up" <<EOF
export PATH=$(printf '%q' "$PATH") HOME=$(printf '%q' "$HOME") XDG_CONFIG_HOME=$(printf '%q' "$XDG_CONFIG_HOME")
export DOCKER_CONFIG=$(printf '%q' "$DOCKER_CONFIG") DOCKER_HOST=$(printf '%q' "$DOCKER_HOST") LANG=C.UTF-8
$(printf '%q' "$WS_BIN") up tcp --yes --offline --force --name $n --volume $n-ws --port $port \\
  --host $WSL_A_BRIDGE_IP --tcp-port $port2 --verify-timeout 10
echo \$? >"$TUI_DIR/rc"
exec sleep 600
EOF
"${TMUX_CMD[@]}" new-session -d -x 160 -y 40 "TERM=tmux-256color bash $TUI_DIR/up"
"${TMUX_CMD[@]}" set -g status off >/dev/null
tui_wait "verifying Docker inside: " 60 && ok
sleep 3
tui_raw >"$T_TMP/screen1"
screen=$(tui_raw)
eq "$(printf '%s\n' "$screen" | grep -c 'verifying Docker inside')" 1 "the waiting line is one line"
printf '%s\n' "$screen" | grep -Eq 'verifying Docker inside: [0-9]+ s of 10 s — Cannot connect to the Docker daemon' \
  && ok || bad "the waiting line says the time, the bound and the reason: $screen"
first=$(printf '%s\n' "$screen" | grep -o 'inside: [0-9]* s' | grep -o '[0-9]*')
sleep 2
later=$(tui_raw | grep -o 'inside: [0-9]* s' | grep -o '[0-9]*')
[ -n "$first" ] && [ -n "$later" ] && [ "$later" -gt "$first" ] && ok || bad "the line is updated in place: $first then $later"
tui_exited 40 || true
eq "$tui_rc" 1 "the launch fails at the bound"
screen=$(tui_raw)
has "$screen" "docker does not work inside the workspace after 10 s: Cannot connect to the Docker daemon" "the diagnosis"
has "$screen" "run again with --keep" "where to look next"
eq "$(printf '%s\n' "$screen" | grep -c 'Cannot connect to the Docker daemon')" 1 "the reason is shown once, in the diagnosis"
eq "$(labelled "$n")" "" "the failed launch rolled back"
