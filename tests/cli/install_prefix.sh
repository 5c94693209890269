#!/bin/bash
# tests/cli/install_prefix.sh - `cmake --install --prefix DIR` into a scratch
# prefix the build was not configured for: the installed binary finds the
# themes installed beside it (DIR/share/ws-launch/themes), lists them
# (`ws-launch themes`), and the shipped completions complete them in bash,
# zsh and fish, each shell typing in a real terminal (tmux) with only DIR's
# completion files on its search path.
. "$(dirname "$0")/../lib/assert.sh"
needs "tmux zsh fish" tmux zsh fish
BUILD=$(dirname "${WS_GEN_DIR:?}")
PFX=$T_TMP/pfx
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
if ! cmake --install "$BUILD" --prefix "$PFX" >"$T_TMP/install.log" 2>&1; then
  bad "cmake --install failed: $(tail -5 "$T_TMP/install.log")"; exit 1
fi
ok
# A theme only the scratch prefix has: found only through the binary's location.
cp "$PFX/share/ws-launch/themes/mono.yaml" "$PFX/share/ws-launch/themes/zz-prefix-only.yaml"
WS_BIN=$PFX/bin/ws-launch
run themes
expect_rc 0 "themes"
expect_out_has "zz-prefix-only     $PFX/share/ws-launch/themes/zz-prefix-only.yaml" "themes lists the prefix's own theme"
expect_out_has "high-contrast" "themes lists the shipped ones"
# A user theme shadows nothing and is listed too.
mkdir -p "$XDG_CONFIG_HOME/ws-launch/themes"
cp "$PFX/share/ws-launch/themes/mono.yaml" "$XDG_CONFIG_HOME/ws-launch/themes/zz-mine.yaml"
run themes
expect_out_has "zz-mine" "themes lists the user's themes"
run themes extra
expect_rc 2 "themes takes no argument"

# ---- completions, typed in a terminal ---------------------------------------
SOCK=wsl-comp-$$
export TMUX_TMPDIR=$T_TMP
TM=(tmux -L "$SOCK" -f /dev/null)
trap '"${TM[@]}" kill-server 2>/dev/null; t_cleanup' EXIT
# complete SHELL-COMMAND: starts the shell in a fresh 120x10 pane with PATH
# leading to the scratch prefix, types "ws-launch --theme zz-p", Tab, and
# sets $line to what the prompt line then holds.
complete_in() {
  "${TM[@]}" kill-server 2>/dev/null; sleep 0.1
  "${TM[@]}" new-session -d -x 120 -y 10 \
    "env -i PATH=$PFX/bin:/usr/bin:/bin HOME=$HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME TERM=tmux-256color LANG=C.UTF-8 $1"
  local n=0
  until "${TM[@]}" capture-pane -p 2>/dev/null | grep -q 'READY>'; do
    sleep 0.1; [ $((n++)) -lt 100 ] || break
  done
  "${TM[@]}" send-keys -l -- "ws-launch --theme zz-p"
  sleep 0.3
  "${TM[@]}" send-keys Tab
  # A loaded machine can take seconds over a shell's first completion
  # (zsh's compinit, fish's completion load): Tab again once if nothing.
  n=0 line=
  while [ $((n++)) -lt 200 ]; do
    sleep 0.1
    line=$("${TM[@]}" capture-pane -p | grep 'READY>' | tail -1)
    case $line in *zz-prefix-only*) break ;; esac
    [ "$n" -eq 80 ] && "${TM[@]}" send-keys Tab
  done
  [ -n "${line##*zz-prefix-only*}" ] && "${TM[@]}" capture-pane -p >&2
}
cat >"$T_TMP/bashrc" <<EOF
. $PFX/share/bash-completion/completions/ws-launch
PS1='READY> '
EOF
complete_in "bash --noprofile --rcfile $T_TMP/bashrc -i"
case $line in *"ws-launch --theme zz-prefix-only"*) ok ;; *) bad "bash: Tab gave [$line]" ;; esac
if command -v zsh >/dev/null; then
  # site-functions, or vendor-completions in a build configured for /usr
  [ -n "$(find "$PFX/share/zsh" -name _ws-launch)" ] && ok || bad "no _ws-launch installed under $PFX/share/zsh"
  cat >"$T_TMP/.zshrc" <<EOF
fpath=($(dirname "$(find "$PFX/share/zsh" -name _ws-launch | head -1)") \$fpath)
autoload -Uz compinit; compinit -u -d $T_TMP/zcompdump
PS1='READY> '
EOF
  complete_in "env ZDOTDIR=$T_TMP zsh -i"
  case $line in *"ws-launch --theme zz-prefix-only"*) ok ;; *) bad "zsh: Tab gave [$line]" ;; esac
else
  bad "zsh is not installed"
fi
if command -v fish >/dev/null; then
  mkdir -p "$T_TMP/fishconf/fish"
  cat >"$T_TMP/fishconf/fish/config.fish" <<EOF
set -p fish_complete_path $PFX/share/fish/vendor_completions.d
function fish_prompt; echo -n 'READY> '; end
function fish_greeting; end
EOF
  complete_in "env XDG_CONFIG_HOME=$T_TMP/fishconf fish -i"
  case $line in *"ws-launch --theme zz-prefix-only"*) ok ;; *) bad "fish: Tab gave [$line]" ;; esac
else
  bad "fish is not installed"
fi
