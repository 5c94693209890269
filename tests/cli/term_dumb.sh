#!/bin/bash
# TERM=dumb (or no TERM): the CLI prints no escape sequences even on a
# terminal, and the wizard refuses in one line pointing at the commands
# instead of drawing garbage.  script(1) gives the binary a real pty.
. "$(dirname "$0")/../lib/assert.sh"
needs bsdutils script
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
unset NO_COLOR
mkdir -p "$HOME"
on_pty() { TERM=$1 script -qec "$2" /dev/null </dev/null >"$T_TMP/pty" 2>&1; pty_rc=$?; }
esc() { grep -c $'\e\\[' "$T_TMP/pty" || true; }

# The reference: on a colour terminal `check` does colour its verdicts.
on_pty xterm "$WS_BIN check socket"
[ "$(esc)" -gt 0 ] && ok || bad "TERM=xterm: check printed no colour (the test would prove nothing)"
for t in dumb ""; do
  on_pty "$t" "$WS_BIN check socket"
  [ "$(esc)" = 0 ] && ok || bad "TERM='$t': check printed escape sequences: $(cat -v "$T_TMP/pty" | head -3)"
  grep -q "socket.path" "$T_TMP/pty" && ok || bad "TERM='$t': check printed no checks"
  # The wizard (no command, on a terminal).
  on_pty "$t" "$WS_BIN; echo rc=\$?"
  out=$(tr -d '\r' <"$T_TMP/pty")
  case $out in "ws-launch: the wizard needs a terminal with cursor addressing (TERM=$t); use the commands instead: ws-launch check | print | up (see ws-launch --help)
rc=1") ok ;; *) bad "TERM='$t': wizard: $(cat -v "$T_TMP/pty")" ;; esac
done
