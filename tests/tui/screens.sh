#!/bin/bash
# Golden screens: every wizard screen at 80x24 and 120x40, as text
# (capture-pane -p), compared with tests/tui/golden/*.txt.
#
#   GENERATE=1 bash tests/tui/screens.sh     rewrites the goldens
#
# Deterministic on any machine: no daemon (DOCKER_HOST points at a socket
# that does not exist), a registry that refuses at once, HOME and the
# configuration in the test's temp dir, UTC, a fixed profile mtime.
. "$(dirname "$0")/../lib/assert.sh"
. "$(dirname "$0")/lib/tmux.sh"

mkdir -p "$T_TMP/bin" "$T_TMP/home" "$T_TMP/dc"
ln -s /usr/bin/docker "$T_TMP/bin/docker" 2>/dev/null || ln -s "$(command -v docker)" "$T_TMP/bin/docker"
export PATH=$T_TMP/bin:/usr/bin:/bin HOME=$T_TMP/home
ENV=(XDG_CONFIG_HOME="$T_TMP/xdg" DOCKER_HOST="unix://$T_TMP/no-daemon.sock" DOCKER_CONFIG="$T_TMP/dc"
     WS_LAUNCH_REGISTRY=http://127.0.0.1:9 WS_LAUNCH_THEME=default)

for size in 80x24 120x40; do
  w=${size%x*} h=${size#*x}
  rm -rf "$T_TMP/xdg"
  tui_start "$w" "$h" "${ENV[@]}"
  tui_wait "No saved profiles yet" && tui_golden "home-$size"

  # Mode: every check settles at once without a daemon
  tui_keys Enter
  tui_wait "No mode is ready" && tui_golden "mode-$size"
  tui_keys '?'
  tui_wait "Keys: Mode" && tui_golden "help-mode-$size"
  tui_keys Escape
  tui_wait_gone "Keys: Mode"

  # Options for socket; set the group and a port of our own
  tui_keys Up Up Up Up Up Down Down
  tui_wait "› socket" 5
  tui_keys Enter
  tui_wait "Options for Host socket" && tui_golden "options-$size"
  tui_keys Down Down Enter C-u
  tui_type "127.0.0.1:38089:8080"
  tui_keys Enter
  tui_select "Socket group id"
  tui_keys Enter
  tui_type "99x"
  tui_wait "'99x' is not a number" 3
  tui_golden "options-invalid-$size"
  tui_keys BSpace
  tui_type "8"
  tui_keys Enter
  tui_wait "998"
  tui_keys n
  tui_wait "failed ·" && tui_golden "checks-$size"

  # Not ready: asks, then Review
  tui_keys Enter
  tui_wait "commands anyway?" && tui_golden "confirm-$size"
  tui_keys y
  tui_wait "Review: Host socket" && tui_golden "review-$size"

  # Save as profile (prompt), then Run (fails: no daemon) and back
  tui_keys s
  tui_wait "Save as profile"
  tui_keys C-u
  tui_type "dev/1"
  tui_wait "is not a valid name" && tui_golden "save-$size"
  tui_keys BSpace BSpace Enter
  tui_wait "saved profile dev"
  tui_keys Enter
  # the failure opens in full (wrapped, scrollable); Esc shows the Run screen
  tui_wait "The launch failed" 30 && tui_wait "Esc closes" 3 && tui_golden "run-failure-$size"
  tui_keys Escape
  tui_wait "  ✗ The launch failed" 3 && tui_golden "run-$size"
  tui_keys q
  tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "quit from Run: exit $tui_rc"; }
tui_err_clean "exit"

  # Home with the saved profile (fixed mtime, so the list is stable)
  touch -d '2026-01-02 03:04:05 UTC' "$T_TMP/xdg/ws-launch/profiles/dev.yaml"
  tui_start "$w" "$h" "${ENV[@]}"
  tui_wait "Saved profiles (1)"
  tui_keys Down Down
  tui_wait "dev.yaml" && tui_golden "home-profiles-$size"
  # e edits the profile: Options pre-filled from it
  tui_keys e
  tui_wait "Options for Host socket" && ok
  tui_wait "127.0.0.1:38089:8080" && ok
  tui_keys Escape
  tui_wait "Saved profiles (1)"
  tui_select dev
  # p quits and prints its commands (as `ws-launch print --profile dev`)
  tui_keys p
  tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "p: exit $tui_rc"; }
  sleep 0.2
  tui_raw -J | sed 's/ *$//' >"$T_TMP/pane.txt"
  env "${ENV[@]}" "$WS_BIN" print --profile dev >"$T_TMP/print.txt" 2>/dev/null
  grep -qF -- "$(tail -1 "$T_TMP/print.txt")" "$T_TMP/pane.txt" && grep -qF "docker run -d" "$T_TMP/pane.txt" && ok ||
    bad "p did not print the profile's commands: $(cat "$T_TMP/pane.txt")"
tui_err_clean "exit"
  tui_stop
done
