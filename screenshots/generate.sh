#!/bin/bash
# screenshots/generate.sh - PNGs of every wizard screen (default theme) and of
# the Review screen in each shipped theme, from real runs: the wizard runs in
# tmux (100x30) against the test harness's daemon A, each screen is captured
# with its colours (capture-pane -e), turned into HTML (ansi2html.py, xterm's
# palette) and photographed by headless Chromium.
#
#   WS_BIN=build/ws-launch screenshots/generate.sh      (needs root for the
#   harness unless WS_PEERS_ENV points at a running one; apt-get install
#   chromium fonts-dejavu-core tmux)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
WS_BIN=${WS_BIN:-$ROOT/build/ws-launch}
[ -x "$WS_BIN" ] || { echo "build first or set WS_BIN"; exit 2; }
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome) ||
  { echo "needs chromium (apt-get install chromium fonts-dejavu-core)"; exit 2; }
COLS=100 ROWS=30
OWN=
if [ -z "${WS_PEERS_ENV:-}" ]; then
  OWN=$(mktemp -d /tmp/wsl-XXXX)
  "$ROOT/tests/harness/up.sh" "$OWN" >/dev/null || { echo "harness failed"; exit 1; }
  WS_PEERS_ENV=$OWN/peers.env
fi
. "$WS_PEERS_ENV"
W=$(mktemp -d /tmp/ws-shots-XXXX)
SOCK="wsl-shots-$$"
export TMUX_TMPDIR=$W      # the tmux socket goes away with W
TM=(tmux -L "$SOCK" -f /dev/null)
cleanup() {
  "${TM[@]}" kill-server 2>/dev/null
  /usr/bin/docker -H "$WSL_A_HOST" rm -f workspace >/dev/null 2>&1
  /usr/bin/docker -H "$WSL_A_HOST" volume rm workspace >/dev/null 2>&1
  rm -rf "$W"
  [ -n "$OWN" ] && { "$ROOT/tests/harness/down.sh" "$OWN" >/dev/null; rm -rf "$OWN"; }
}
trap cleanup EXIT
mkdir -p "$W/bin" "$W/home"
ln -s /usr/bin/docker "$W/bin/docker"
ENVS=(PATH="$W/bin:/usr/bin:/bin" HOME="$W/home" XDG_CONFIG_HOME="$W/xdg" DOCKER_CONFIG="$W/dc"
      DOCKER_HOST="$WSL_A_HOST" WS_LAUNCH_REGISTRY="$WSL_REGISTRY_URL" WS_LAUNCH_SYSBOX_DIR="$WSL_SYSBOX_RUN_DIR"
      LANG=C.UTF-8 TERM=tmux-256color HISTFILE=/dev/null)
env "${ENVS[@]}" "$WS_BIN" profile save dev dind --name dev-ws --port 9000 >/dev/null
env "${ENVS[@]}" "$WS_BIN" profile save team socket --port "$WSL_FREE_PORT_1" >/dev/null

screen() { "${TM[@]}" capture-pane -p; }
wait_for() {
  local i
  for ((i = 0; i < ${2:-10} * 20; i++)); do
    case $(screen) in *"$1"*) return 0 ;; esac
    sleep 0.05
  done
  echo "timeout waiting for [$1]" >&2; screen >&2; exit 1
}
select_row() { local i; for ((i = 0; i < 40; i++)); do case $(screen) in *"› $1"*) return 0 ;; esac; "${TM[@]}" send-keys Down; sleep 0.05; done; }
start() { # ARGS...
  "${TM[@]}" kill-server 2>/dev/null
  while "${TM[@]}" has-session 2>/dev/null; do sleep 0.05; done
  sleep 0.1
  local a q=""
  for a in "$@"; do q+=" $(printf '%q' "$a")"; done
  "${TM[@]}" new-session -d -x "$COLS" -y "$ROWS" "env -i $(printf '%q ' "${ENVS[@]}") $(printf '%q' "$WS_BIN")$q; sleep 600"
  "${TM[@]}" set -g status off >/dev/null
}
shot() { # NAME [dark|light]
  sleep 0.4
  "${TM[@]}" capture-pane -e -p -N >"$W/$1.ansi"
  python3 "$HERE/ansi2html.py" "$W/$1.ansi" "$COLS" "$ROWS" "${2:-dark}" >"$W/$1.html"
  "$CHROME" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=$((COLS * 903 / 100 + 28)),$((ROWS * 19 + 24)) --screenshot="$HERE/$1.png" "file://$W/$1.html" \
    >/dev/null 2>&1
  echo "screenshots/$1.png"
}

# every screen, default theme
start --theme default
wait_for "Saved profiles (2)"
shot home
"${TM[@]}" send-keys Enter
wait_for "Recommended:" 30
shot mode
"${TM[@]}" send-keys '?'
wait_for "Keys: Mode"
shot help
"${TM[@]}" send-keys Escape Home
select_row socket
"${TM[@]}" send-keys Enter
wait_for "Options for Host socket"
select_row Publish
"${TM[@]}" send-keys Enter C-u
"${TM[@]}" send-keys -l "127.0.0.1:$WSL_FREE_PORT_1:8080"
"${TM[@]}" send-keys Enter
select_row "Extra env"
"${TM[@]}" send-keys Enter
"${TM[@]}" send-keys -l "WS_SERVER_PORT=80 80"
shot options
"${TM[@]}" send-keys C-u
"${TM[@]}" send-keys -l "WS_SERVER_PORT=8080"
"${TM[@]}" send-keys Enter n
wait_for "0 failed" 30
shot checks
"${TM[@]}" send-keys Enter
wait_for "Review: Host socket"
shot review
"${TM[@]}" send-keys s
wait_for "Save as profile"
shot save
"${TM[@]}" send-keys Escape Enter
wait_for "The workspace is running" 120
shot run
"${TM[@]}" send-keys l
wait_for "Esc closes"
shot run-output
"${TM[@]}" send-keys Escape q
# Home again: the launch just made is listed, with its state and URL; l follows its logs
start --theme default
wait_for "Launches on this endpoint (1)" 15
select_row workspace
shot home-launches
"${TM[@]}" send-keys l
wait_for "logs of workspace (following" 15
# the stand-in image's server is quiet: give the viewer lines to follow (one repeated)
/usr/bin/docker -H "$WSL_A_HOST" exec workspace sh -c \
  '{ echo "[shots] written to the workspace output while the viewer is open"; for i in 1 2 3 4; do echo "[shots] the same line, four times"; done; echo "[shots] and one after it"; } >/proc/1/fd/1'
wait_for "and one after it" 10
shot logs
"${TM[@]}" send-keys Escape d
wait_for "Take workspace down?"
"${TM[@]}" send-keys y
wait_for "press Enter to return" 60
"${TM[@]}" send-keys Enter q
COLS=50 ROWS=14 start
wait_for "too small"
shot too-small
COLS=100 ROWS=30

# the Review screen in every theme (relaunching the saved profile "team")
for t in default light high-contrast mono catppuccin-frappe; do
  start --theme "$t"
  wait_for "Saved profiles (2)"
  select_row team
  "${TM[@]}" send-keys Enter
  wait_for "0 failed" 30
  "${TM[@]}" send-keys Enter
  wait_for "Review: Host socket"
  scheme=dark
  [ "$t" = light ] && scheme=light
  shot "review-$t" "$scheme"
done
