# tests/tui/lib/tmux.sh - drive the wizard in a real terminal: a tmux
# server of its own (tmux -L, never the user's), fixed sizes, send-keys,
# capture-pane.  Sourced after tests/lib/assert.sh (or peers.sh).
#
#   tui_start W H [VAR=VALUE...] [-- ARGS...]   start ws-launch in a fresh pane
#   tui_keys KEY...                            tmux send-keys (named keys)
#   tui_type TEXT                              literal text
#   tui_wait TEXT [SECONDS]                    until the screen shows TEXT (else bad)
#   tui_screen                                 the screen as text (normalised)
#   tui_golden NAME                            compare with tests/tui/golden/NAME.txt
#                                              (GENERATE=1 rewrites it)
#   tui_exited [SECONDS]                       until ws-launch has exited; sets $tui_rc
#   tui_stop                                   kill the tmux server
#   tui_peer_env                               docker + ENV for the harness (after peers.sh)
#
# The pane runs `stty -a` before and after ws-launch, so a test can check
# that the terminal was restored (tui_stty_same).
needs tmux tmux
TUI_SOCK="wsl-tui-$$-$RANDOM"
# the server's socket lives in the test's temp dir and goes with it
export TMUX_TMPDIR=$T_TMP
TUI_DIR=$T_TMP/tui
GOLDEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/golden
mkdir -p "$TUI_DIR"
TMUX_CMD=(tmux -L "$TUI_SOCK" -f /dev/null)
trap 't_tui_cleanup' EXIT
t_tui_cleanup() { "${TMUX_CMD[@]}" kill-server 2>/dev/null; t_cleanup; }

tui_start() {
  local w=$1 h=$2; shift 2
  local envs=() args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; args=("$@"); break; fi
    envs+=("$1"); shift
  done
  "${TMUX_CMD[@]}" kill-server 2>/dev/null
  local n=0
  while "${TMUX_CMD[@]}" has-session 2>/dev/null && [ $((n++)) -lt 100 ]; do sleep 0.05; done
  sleep 0.1   # a new server on the same socket while the old one exits fails
  rm -f "$TUI_DIR"/rc "$TUI_DIR"/stty.* "$TUI_DIR"/out "$TUI_DIR"/err
  local q="" a
  for a in "${envs[@]}"; do q+=" $(printf '%q' "$a")"; done
  local qa=""
  for a in "${args[@]}"; do qa+=" $(printf '%q' "$a")"; done
  cat >"$TUI_DIR/run" <<EOF
stty -a >"$TUI_DIR/stty.before" 2>&1
env${q} $(printf '%q' "$WS_BIN")${qa} 2>"$TUI_DIR/err"
echo \$? >"$TUI_DIR/rc"
stty -a >"$TUI_DIR/stty.after" 2>&1
exec sleep 600
EOF
  "${TMUX_CMD[@]}" new-session -d -x "$w" -y "$h" \
    "env -i PATH=$(printf '%q' "$PATH") HOME=$(printf '%q' "$HOME") LANG=C.UTF-8 TERM=${TUI_TERM:-tmux-256color} TZ=UTC bash $TUI_DIR/run"
  "${TMUX_CMD[@]}" set -g status off >/dev/null
  "${TMUX_CMD[@]}" set -g set-clipboard on >/dev/null
  "${TMUX_CMD[@]}" resize-window -x "$w" -y "$h" 2>/dev/null
}

tui_keys() { "${TMUX_CMD[@]}" send-keys "$@"; }
tui_type() { "${TMUX_CMD[@]}" send-keys -l -- "$1"; }
tui_resize() { "${TMUX_CMD[@]}" resize-window -x "$1" -y "$2"; }

# Normalises what varies between machines and runs: the test's temp dir,
# the harness dir, durations, container ids, launch digests (their input
# holds the temp paths).
tui_norm() {
  sed -e "s|$T_TMP|/tmp/ws-test-XXXXXX|g" \
      -e 's/ws-launch\.digest=[0-9a-f]\{16\}/ws-launch.digest=DIGEST0000000000/g' \
      -e "s|${WSL_DIR:-/nonexistent-harness}|/tmp/wsl-XXXX|g" \
      -e 's/[0-9][0-9]*\.[0-9]s\b/N.Ns/g' \
      -e 's/\b[0-9a-f]\{12\}\b/CONTAINERID/g'
}

tui_raw() { "${TMUX_CMD[@]}" capture-pane -p "$@" 2>/dev/null; }
tui_screen() { tui_raw | tui_norm; }

tui_wait() {
  local text=$1 limit=${2:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    case $(tui_raw) in *"$text"*) return 0 ;; esac
    sleep 0.05
  done
  bad "screen never showed [$text] within ${limit}s; screen:
$(tui_raw)"
  return 1
}

tui_wait_gone() {
  local text=$1 limit=${2:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    case $(tui_raw) in *"$text"*) ;; *) return 0 ;; esac
    sleep 0.05
  done
  bad "screen still shows [$text] after ${limit}s"
  return 1
}

tui_exited() {
  local limit=${1:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    if [ -s "$TUI_DIR/rc" ]; then tui_rc=$(cat "$TUI_DIR/rc"); return 0; fi
    sleep 0.05
  done
  tui_rc=
  bad "ws-launch did not exit within ${limit}s; screen:
$(tui_raw)"
  return 1
}

tui_stty_same() {
  # rows and columns follow the window (a test may resize it)
  local b a
  b=$(sed -E 's/rows [0-9]+; columns [0-9]+;//' "$TUI_DIR/stty.before" 2>/dev/null)
  a=$(sed -E 's/rows [0-9]+; columns [0-9]+;//' "$TUI_DIR/stty.after" 2>/dev/null)
  if [ -s "$TUI_DIR/stty.after" ] && [ "$a" = "$b" ]; then ok; else
    bad "$1: stty -a differs after exit:
$(diff "$TUI_DIR/stty.before" "$TUI_DIR/stty.after" 2>&1)"
  fi
}

tui_golden() {
  local name=$1 f="$GOLDEN_DIR/$1.txt"
  sleep 0.2   # let the last frame land
  tui_screen >"$TUI_DIR/$name.got"
  if [ -n "${GENERATE:-}" ]; then
    cp "$TUI_DIR/$name.got" "$f"
    echo "wrote $f"
    ok
    return
  fi
  if [ ! -f "$f" ]; then bad "golden $name missing (GENERATE=1 creates it)"; return; fi
  if cmp -s "$f" "$TUI_DIR/$name.got"; then ok; else
    bad "golden $name differs:
$(diff -u "$f" "$TUI_DIR/$name.got")"
  fi
}

tui_stop() { "${TMUX_CMD[@]}" kill-server 2>/dev/null; }

# tui_select TEXT: presses Down (at most 40 times) until the selection
# marker stands before TEXT.
tui_select() {
  local i
  for ((i = 0; i < 40; i++)); do
    case $(tui_raw) in *"${TUI_SEL:-›} $1"*) return 0 ;; esac
    tui_keys Down
    sleep 0.05
  done
  bad "could not select [$1]"
  return 1
}

# tui_seen TEXT [SECONDS]: like tui_wait, but only returns the status (for
# screens that may or may not appear).
tui_seen() {
  local text=$1 limit=${2:-2} i
  for ((i = 0; i < limit * 20; i++)); do
    case $(tui_raw) in *"$text"*) return 0 ;; esac
    sleep 0.05
  done
  return 1
}

# tui_err_clean WHAT: stderr held nothing but the plan's warnings and notes
# (printed on quit from Review): no stray output, no sanitizer report.
tui_err_clean() {
  if [ ! -s "$TUI_DIR/err" ] || ! grep -qv '^warning: \|^note: ' "$TUI_DIR/err"; then ok; else
    bad "$1: unexpected stderr: $(head -20 "$TUI_DIR/err")"
  fi
}

# tui_peer_env: for tests against the harness (after peers.sh): docker on
# PATH as the harness's client, and ENV, the variables ws-launch needs to
# talk to daemon A and the registry (pass "${ENV[@]}" to tui_start).
tui_peer_env() {
  mkdir -p "$T_TMP/bin"
  ln -sf "$WSL_DOCKER" "$T_TMP/bin/docker"
  export PATH=$T_TMP/bin:$PATH
  ENV=(XDG_CONFIG_HOME="$XDG_CONFIG_HOME" DOCKER_HOST="$WSL_A_HOST" DOCKER_CONFIG="$DOCKER_CONFIG"
       WS_LAUNCH_REGISTRY="$WSL_REGISTRY_URL")
}
