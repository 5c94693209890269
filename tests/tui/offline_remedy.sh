#!/bin/bash
# Issue 20.2: in the wizard, a missing image's remedy names both ways to get
# it there: docker pull and ws-launch images load (the Checks screen of a
# saved profile whose image is absent and --pull never).
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/lib/tmux.sh"
ENV=(XDG_CONFIG_HOME="$XDG_CONFIG_HOME" DOCKER_HOST="$WSL_A_HOST" DOCKER_CONFIG="$DOCKER_CONFIG"
     WS_LAUNCH_SYSBOX_DIR="$WSL_SYSBOX_RUN_DIR")
n=$(uname_ offr)
trap 't_tui_cleanup' EXIT
"$WS_BIN" profile save "$n" socket --name "$n" --socket "$WSL_A_SOCK" --image "127.0.0.1:9/wsl-absent/$n:v1" \
  --pull never >/dev/null 2>&1 && ok || bad "profile save"
tui_start 160 40 "${ENV[@]}"
tui_wait "Saved profiles (1)"
tui_select "$n"
tui_keys Enter
tui_wait "Checks for Host socket"
tui_wait "1 failed" 20 && ok
tui_wait "ws-launch images load" 5 && ok
tui_wait "docker pull" 3 && ok
tui_raw >"$T_TMP/screen.txt"; [ -n "${SHOW_SCREEN:-}" ] && cat "$T_TMP/screen.txt"
tui_keys q q
