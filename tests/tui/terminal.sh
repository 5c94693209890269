#!/bin/bash
# The wizard and the terminal: the "too small" notice and recovery, Ctrl-C
# on every screen restores `stty -a`, NO_COLOR / TERM=xterm /
# xterm-256color render without errors (colours checked with capture -e),
# the Review screen's colours against a golden, a broken theme shows its
# file:line:col and falls back, OSC 52 copy reaches tmux's buffer, q on
# Review prints the commands after the screen is restored; g/G, the mouse
# wheel and the / filter in lists; extra env one row per variable; the text
# viewer collapses repeated lines and finds text.
. "$(dirname "$0")/../lib/assert.sh"
. "$(dirname "$0")/lib/tmux.sh"

mkdir -p "$T_TMP/bin" "$T_TMP/home" "$T_TMP/dc"
ln -s /usr/bin/docker "$T_TMP/bin/docker" 2>/dev/null || ln -s "$(command -v docker)" "$T_TMP/bin/docker"
export PATH=$T_TMP/bin:/usr/bin:/bin HOME=$T_TMP/home
ENV=(XDG_CONFIG_HOME="$T_TMP/xdg" DOCKER_HOST="unix://$T_TMP/no-daemon.sock" DOCKER_CONFIG="$T_TMP/dc"
     WS_LAUNCH_REGISTRY=http://127.0.0.1:9)

# to_review: Home -> Mode -> socket Options (group set) -> Checks -> Review
to_review() {
  tui_wait "New launch" || return 1
  tui_keys Enter
  tui_wait "No mode is ready" || return 1
  tui_keys Up Up Up Up Up Down Down Enter
  tui_wait "Options for Host socket" || return 1
  tui_select "Socket group id" || return 1
  tui_keys Enter
  tui_type 998
  tui_keys Enter n
  tui_wait "failed ·" || return 1
  tui_keys Enter y
  tui_wait "Review: Host socket"
}

# ---- too small, then enlarged ----
tui_start 40 12 "${ENV[@]}"
tui_wait "too small" && ok
case $(tui_raw) in *"need 60"*) ok ;; *) bad "notice does not say the minimum" ;; esac
tui_resize 80 24
tui_wait "New launch" && ok
tui_resize 59 24
tui_wait "too small" && ok
tui_resize 60 16
tui_wait "New launch" && ok
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "exit $tui_rc"; }
tui_stty_same "too small"
[ ! -s "$TUI_DIR/err" ] && ok || bad "stderr not empty: $(cat "$TUI_DIR/err")"

# ---- Ctrl-C on every screen restores the terminal, exit 130 ----
for screen in Home Mode Options Checks Review Run help; do
  tui_start 80 24 "${ENV[@]}"
  tui_wait "New launch"
  case $screen in
    Mode) tui_keys Enter; tui_wait "checks done" ;;
    Options) tui_keys Enter; tui_wait "checks done"; tui_keys Enter; tui_wait "Options for"; tui_keys Enter ;;
    Checks) tui_keys c; tui_wait "Checks of this host" ;;
    Review) to_review ;;
    Run) to_review && tui_keys Enter && tui_wait "Run: Host socket" ;;
    help) tui_keys '?'; tui_wait "Keys: Home" ;;
  esac
  tui_keys C-c
  tui_exited 15 && { [ "$tui_rc" = 130 ] && ok || bad "Ctrl-C on $screen: exit $tui_rc, want 130"; }
  tui_stty_same "Ctrl-C on $screen"
done

# ---- mouse: a click selects a list row, a second click opens it, the key
# bar is clickable (SGR mouse reports, as xterm sends them) ----
TUI_TERM=xterm-256color
tui_start 80 24 "${ENV[@]}"
tui_wait "New launch"
tui_type $'\e[<0;6;7M\e[<0;6;7m'
tui_wait "› Check this host" 3 && ok
tui_type $'\e[<0;6;7M\e[<0;6;7m'
tui_wait "Checks of this host" 3 && ok
tui_type $'\e[<0;75;24M\e[<0;75;24m'
tui_wait "Keys: Checks" 3 && ok
tui_keys Escape q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "mouse: exit $tui_rc"; }
TUI_TERM=tmux-256color

# ---- an endpoint that does not answer: Home says why no launches are listed ----
tui_start 80 24 "${ENV[@]}"
tui_wait "cannot list the launches: unix://$T_TMP/no-daemon.sock" 10 && ok
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "dead endpoint: exit $tui_rc"; }

# ---- q on the "too small" screen during a run: asks, then cancels and
#      rolls back (it once quit at once with exit 0, leaving the launch
#      half-made).  A fake docker (WS_LAUNCH_DOCKER) records its argv and
#      hangs in `docker run`, so the run is mid-step when q comes.
cat >"$T_TMP/bin/fake-docker" <<'FAKE'
#!/bin/sh
echo "$*" >>"$FAKE_DOCKER_LOG"
[ "$1" = run ] && exec sleep 60
exit 0
FAKE
chmod +x "$T_TMP/bin/fake-docker"
: >"$T_TMP/docker.log"
# credentials for ghcr.io send the image pull through the (fake) CLI too
printf '{"auths":{"ghcr.io":{"auth":"eDp5"}}}' >"$T_TMP/dc/config.json"
tui_start 80 24 "${ENV[@]}" WS_LAUNCH_DOCKER="$T_TMP/bin/fake-docker" FAKE_DOCKER_LOG="$T_TMP/docker.log"
if to_review; then
  tui_keys Enter
  for _ in $(seq 100); do grep -q '^run ' "$T_TMP/docker.log" && break; sleep 0.1; done
  grep -q '^run ' "$T_TMP/docker.log" && ok || bad "the run never reached docker run: $(cat "$T_TMP/docker.log")"
  tui_resize 40 12
  tui_wait "too small"
  tui_keys q
  tui_wait "y quits"
  sleep 0.3
  [ -z "$(cat "$TUI_DIR/rc" 2>/dev/null)" ] && ok || bad "too small + q during a run quit without asking"
  tui_keys y
  tui_exited 20
  [ "$tui_rc" = 130 ] && ok || bad "too small + q + y: exit $tui_rc after a cancelled launch, want 130"
  grep -q '^volume rm workspace' "$T_TMP/docker.log" && ok || bad "no rollback after quitting: $(cat "$T_TMP/docker.log")"
  tui_stty_same "too small + quit during a run"
fi
rm -f "$T_TMP/dc/config.json"

# ---- LANG=C: every glyph falls back to ASCII (no '?' for them, no UTF-8) ----
tui_start 80 24 "${ENV[@]}" LANG=C LC_ALL=C
if tui_wait "New launch"; then
  tui_keys Enter
  tui_wait "No mode is ready"
  tui_keys Up Up Up Up Up Down Down Enter
  tui_wait "Options for Host socket"
  TUI_SEL='>' tui_select "Socket group id"
  tui_keys Enter; tui_type 998; tui_keys Enter n
  if tui_wait "failed - 0 warnings"; then ok; fi
  raw=$(tui_raw)
  printf '%s' "$raw" | LC_ALL=C grep -q $'[\x80-\xff]' && bad "LANG=C: non-ASCII bytes on the Checks screen" || ok
  case $raw in *"checking?"*|*"?  "*) bad "LANG=C: a glyph came out as '?': $raw" ;; *) ok ;; esac
  tui_keys q
  tui_exited
fi

# ---- SIGTERM too ----
tui_start 80 24 "${ENV[@]}"
tui_wait "New launch"
pid=$(pgrep -n -f "^$WS_BIN\$" || true)
if [ -n "$pid" ]; then kill -TERM "$pid"; tui_exited && { [ "$tui_rc" = 130 ] && ok || bad "SIGTERM: exit $tui_rc"; }
  tui_stty_same "SIGTERM"; else bad "no ws-launch process found"; fi

# ---- colours: NO_COLOR, 8 colours, 256 colours ----
sgr_fg() { grep -ao $'\e\[[0-9;]*m' | sed 's/^.\[//; s/m$//' | tr ';' '\n' | grep -cE '^(3[0-7]|9[0-7]|38)$' || true; }
# stderr holds only the plan's warnings and notes (printed on quit)
err_clean() { ! grep -qv '^warning: \|^note: ' "$TUI_DIR/err"; }
for variant in nocolor xterm xterm-256color; do
  envs=("${ENV[@]}")
  TUI_TERM=tmux-256color
  case $variant in
    nocolor) envs+=(NO_COLOR=1) ;;
    xterm) TUI_TERM=xterm ;;
    xterm-256color) TUI_TERM=xterm-256color ;;
  esac
  tui_start 80 24 "${envs[@]}"
  to_review
  tui_raw -e >"$T_TMP/$variant.ansi"
  n256=$(grep -c $'\e\[38;5;' "$T_TMP/$variant.ansi" || true)
  nfg=$(sgr_fg <"$T_TMP/$variant.ansi")
  case $variant in
    nocolor) [ "$nfg" -eq 0 ] && ok || bad "NO_COLOR: $nfg colour codes on the Review screen"
             grep -q $'\e\[1m' "$T_TMP/$variant.ansi" && ok || bad "NO_COLOR: no bold titles" ;;
    xterm) [ "$n256" -eq 0 ] && ok || bad "TERM=xterm: 256-colour codes used"
           [ "$nfg" -gt 0 ] && ok || bad "TERM=xterm: no colours at all" ;;
    xterm-256color) [ "$n256" -gt 0 ] && ok || bad "TERM=xterm-256color: no 256-colour codes" ;;
  esac
  case $(tui_raw) in *"docker run -d"*) ok ;; *) bad "$variant: Review lacks the command" ;; esac
  case $(tui_raw) in *qqqqq*) bad "$variant: line drawing came out as ACS letters" ;; *"────"*) ok ;;
    *) bad "$variant: no rule lines" ;; esac
  tui_keys q
  tui_exited
  err_clean || bad "$variant: stderr: $(cat "$TUI_DIR/err")"
  tui_stty_same "$variant"
done
TUI_TERM=tmux-256color

# ---- the Review screen's colours (default theme, 256 colours) against a golden ----
tui_start 80 24 "${ENV[@]}" WS_LAUNCH_THEME=default
to_review
sleep 0.3
tui_raw -e | tui_norm >"$TUI_DIR/review-colours.got"
if [ -n "${GENERATE:-}" ]; then cp "$TUI_DIR/review-colours.got" "$GOLDEN_DIR/review-colours-80x24.ansi"; ok
elif cmp -s "$GOLDEN_DIR/review-colours-80x24.ansi" "$TUI_DIR/review-colours.got"; then ok
else bad "Review colours differ from golden:
$(diff "$GOLDEN_DIR/review-colours-80x24.ansi" "$TUI_DIR/review-colours.got" | cat -v | head -20)"; fi
# command words, flags and values have different colours
line=$(while IFS= read -r l; do p=$(printf '%s' "$l" | sed 's/\x1b\[[0-9;]*m//g'); case $p in *"docker run -d"*) printf '%s' "$l"; break ;; esac; done <"$TUI_DIR/review-colours.got")
[ "$(printf '%s' "$line" | grep -o $'\e\[[0-9;]*m' | sort -u | wc -l)" -ge 2 ] && ok || bad "the command line is not highlighted: $(printf '%s' "$line" | cat -v)"

# ---- OSC 52 copy reaches the clipboard (tmux buffer) ----
tui_keys y
tui_wait "copied"
sleep 0.3
buf=$("${TMUX_CMD[@]}" show-buffer 2>/dev/null)
case $buf in *"docker volume create"*"docker run -d"*) ok ;; *) bad "OSC 52: tmux buffer is [$buf]" ;; esac

# ---- export from Review: a Compose file (e) and a Kubernetes manifest (k) ----
tui_keys e
tui_wait "Export Compose file" 3 && ok
tui_keys C-u
tui_type "$T_TMP/ws.compose.yaml"
tui_keys Enter
tui_wait "wrote $T_TMP/ws.compose.yaml" 5 && ok
grep -q '^services:' "$T_TMP/ws.compose.yaml" && grep -q 'group_add: \["998"\]' "$T_TMP/ws.compose.yaml" &&
  ok || bad "compose export: $(cat "$T_TMP/ws.compose.yaml" 2>&1)"
tui_keys K
tui_wait "Export Kubernetes manifest" 3 && ok
tui_keys C-u
tui_type "$T_TMP/ws.kube.yaml"
tui_keys Enter
tui_wait "wrote $T_TMP/ws.kube.yaml" 5 && ok
grep -q '^kind: List' "$T_TMP/ws.kube.yaml" && grep -q 'supplementalGroups: \[998\]' "$T_TMP/ws.kube.yaml" &&
  ok || bad "kube export: $(cat "$T_TMP/ws.kube.yaml" 2>&1)"
[ "$(stat -c %a "$T_TMP/ws.kube.yaml")" = 600 ] && ok || bad "kube export is not 0600"
# the same file again: asks before replacing
tui_keys K
tui_wait "Export Kubernetes manifest" 3
tui_keys C-u
tui_type "$T_TMP/ws.kube.yaml"
tui_keys Enter
tui_wait "exists. Replace it?" 3 && ok
tui_keys y
tui_wait "wrote $T_TMP/ws.kube.yaml" 5 && ok

# ---- q on Review prints the commands after the screen is restored ----
WS_LAUNCH_REGISTRY=http://127.0.0.1:9 XDG_CONFIG_HOME="$T_TMP/xdg" DOCKER_HOST="unix://$T_TMP/no-daemon.sock" \
  DOCKER_CONFIG="$T_TMP/dc" "$WS_BIN" print socket --group 998 >"$T_TMP/print.out" 2>/dev/null
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "q on Review: exit $tui_rc"; }
sleep 0.3
tui_raw -J | sed 's/ *$//' >"$T_TMP/pane.txt"
if grep -qF -- "$(head -1 "$T_TMP/print.out")" "$T_TMP/pane.txt" &&
   grep -qF -- "$(tail -1 "$T_TMP/print.out")" "$T_TMP/pane.txt"; then ok
else bad "q on Review did not print the commands:
$(cat "$T_TMP/pane.txt")"; fi
grep -q "warning: the socket gives" "$TUI_DIR/err" && ok || bad "warnings not on stderr: $(cat "$TUI_DIR/err")"
tui_stty_same "q on Review"

# ---- text editing: UTF-8, wide characters, cursor moves, bracketed paste;
# the password is masked, never shown, and goes to a 0600 env file ----
tui_start 80 24 "${ENV[@]}"
tui_wait "New launch"
tui_keys Enter
tui_wait "No mode is ready"
tui_keys Up Up Up Up Up Down Down Enter
tui_wait "Options for Host socket"
tui_select "Container name"
tui_keys Enter C-u
tui_type "ab日本cd"
tui_keys Left Left Left BSpace
tui_wait "ab本cd" 3 && ok
tui_type $'\e[200~x y\nz\e[201~'
tui_wait "abx y z本cd" 3 && ok
tui_wait "is not a valid container name" 3 && ok
tui_keys End C-u
tui_type "wörkspace"
tui_keys Home Right Right BSpace
tui_type "o"
tui_keys End
tui_type "-1"
tui_keys Enter
tui_wait "workspace-1" 3 && ok
tui_select "Password"
tui_keys Enter
tui_type "s3cret pass"
tui_wait "•••••••••••" 3 && ok
tui_keys Enter
case $(tui_raw) in *s3cret*) bad "the password is on the screen" ;; *) ok ;; esac
tui_select "Socket group id"
tui_keys Enter
tui_type 998
tui_keys Enter n
tui_wait "failed ·"
tui_keys Enter y
tui_wait "Review: Host socket"
tui_keys End   # the workspace's run command is the last one
sleep 0.2
case $(tui_raw) in *"secrets/workspace-1.env"*) ok ;; *) bad "Review lacks --env-file: $(tui_raw)" ;; esac
case $(tui_raw) in *s3cret*) bad "the password is in the commands" ;; *) ok ;; esac
tui_keys s
tui_wait "Save as profile"
tui_keys C-u
tui_type pw
tui_keys Enter
tui_wait "saved profile pw" && ok
sec=$T_TMP/xdg/ws-launch/secrets/workspace-1.env
[ "$(stat -c %a "$sec" 2>/dev/null)" = 600 ] && ok || bad "secret file mode: $(stat -c %a "$sec" 2>&1)"
[ "$(cat "$sec" 2>/dev/null)" = "WS_AUTH_PASSWORD=s3cret pass" ] && ok || bad "secret file content"
grep -q "env_file: $sec" "$T_TMP/xdg/ws-launch/profiles/pw.yaml" && ok || bad "profile lacks env_file: $(cat "$T_TMP/xdg/ws-launch/profiles/pw.yaml")"
grep -q s3cret "$T_TMP/xdg/ws-launch/profiles/pw.yaml" && bad "password in the profile" || ok
# overwrite asks
tui_keys s
tui_wait "Save as profile"
tui_keys C-u
tui_type pw
tui_keys Enter
tui_wait "exists. Replace it" && ok
tui_keys n
tui_wait "cancelled" && ok
# delete from Home asks, then removes
tui_keys Escape Escape Escape Escape
tui_wait "Saved profiles (1)"
tui_select "pw"
tui_keys x
tui_wait "Delete the profile pw?" && ok
tui_keys y
tui_wait "deleted profile pw" && ok
[ ! -f "$T_TMP/xdg/ws-launch/profiles/pw.yaml" ] && ok || bad "profile not deleted"
tui_keys q
tui_exited

# ---- a broken theme shows its error and falls back ----
printf 'version: 1\nroles:\n  text: { fg: "#c6d0f5" }\n  fail: { fg: purple }\n' >"$T_TMP/broken.yaml"
tui_start 80 24 "${ENV[@]}" -- --theme "$T_TMP/broken.yaml"
tui_wait "broken.yaml:4:15: fail.fg: 'purple'" && ok
case $(tui_raw) in *"theme default"*) ok ;; *) bad "broken theme: not the default theme" ;; esac
tui_keys q
tui_exited
tui_stty_same "broken theme"
# an unknown theme name, and every shipped theme by name
tui_start 80 24 "${ENV[@]}" WS_LAUNCH_THEME=nope
tui_wait "no theme named nope" && ok
tui_keys q; tui_exited
for t in default light high-contrast mono catppuccin-frappe; do
  tui_start 80 24 "${ENV[@]}" -- --theme "$t"
  tui_wait "theme $t" && ok
  tui_keys q; tui_exited
  [ ! -s "$TUI_DIR/err" ] || bad "theme $t: stderr: $(cat "$TUI_DIR/err")"
done
# lists: g and G jump; the mouse wheel scrolls three rows a notch (an X10 mouse report, as
# tmux forwards a wheel turn to a pane that asked for the mouse)
tui_start 80 24 "${ENV[@]}"
tui_wait "New launch" && ok
tui_keys Enter
tui_wait "No mode is ready" && ok
tui_keys G
tui_wait "› rootless" && ok
tui_keys g
tui_wait "› sysbox" && ok
tui_type $'\e[Ma0*'   # button 5 (wheel down) at column 16, row 10
tui_wait "› tcp" && ok
tui_type $'\e[M`0*'   # button 4 (wheel up)
tui_wait "› sysbox" && ok
# / filters a list as it is typed; Esc clears it
tui_keys Escape Escape
tui_wait "New launch" && ok
tui_keys c
tui_wait "sysbox.services" && ok
tui_keys /
tui_type ssh
tui_wait "filter / ssh" && ok
tui_wait_gone "sysbox.services" && ok
case $(tui_raw) in *"ssh.client"*) ok ;; *) bad "filter ssh hides ssh.client: $(tui_raw)" ;; esac
tui_keys Enter
tui_wait "Enter continue" && ok       # the list has the keys again, the filter stays
case $(tui_raw) in *"filter / ssh"*) ok ;; *) bad "the kept filter is not shown" ;; esac
tui_keys / Escape
tui_wait "sysbox.services" && ok
tui_wait_gone "filter /" && ok
tui_keys q; tui_exited
# extra env: one row per variable, so a value may hold spaces; d removes a row; Review has each
tui_start 80 24 "${ENV[@]}"
tui_wait "New launch" && ok
tui_keys Enter
tui_wait "No mode is ready" && ok
tui_keys Up Up Up Up Up Down Down Enter
tui_wait "Options for Host socket" && ok
tui_select "Extra env" && tui_keys Enter
tui_type "GREETING=hello world"
tui_keys Enter
tui_wait "Extra env           GREETING=hello world" && ok
tui_keys Down Enter
tui_type "DROPME=1"
tui_keys Enter
tui_wait "DROPME=1" && ok
tui_keys Down Enter
tui_type "TZ=Europe/Paris"
tui_keys Enter
tui_wait "TZ=Europe/Paris" && ok
tui_keys Up d                         # the DROPME row
tui_wait_gone "DROPME=1" && ok
tui_select "Socket group id" && tui_keys Enter
tui_type 998
tui_keys Enter n
tui_wait "failed ·" && ok
tui_keys Enter y
tui_wait "Review: Host socket" && ok
tui_keys G                            # the run step's -e lines are at the end
tui_wait "-e TZ=Europe/Paris" && ok
case $(tui_raw) in *"-e 'GREETING=hello world'"*) ok ;; *) bad "review lacks -e 'GREETING=hello world': $(tui_raw)" ;; esac
case $(tui_raw) in *DROPME*) bad "a removed variable reached the review" ;; *) ok ;; esac
tui_keys Escape Escape Escape Escape Escape q; tui_exited
# the text viewer (a failed launch's details, v): a line repeated by the daemon shows once with
# its count; / finds text below the top line, and says when there is none
cat >"$T_TMP/bin/fail-docker" <<'FAKE'
#!/bin/sh
if [ "$1" = run ]; then
  for i in 1 2 3 4 5; do echo "Error response from daemon: cannot start: boom" >&2; done
  echo "see the daemon's log" >&2
  exit 125
fi
exit 0
FAKE
chmod +x "$T_TMP/bin/fail-docker"
printf '{"auths":{"ghcr.io":{"auth":"eDp5"}}}' >"$T_TMP/dc/config.json"
tui_start 80 24 "${ENV[@]}" WS_LAUNCH_DOCKER="$T_TMP/bin/fail-docker"
if to_review; then
  tui_keys Enter
  tui_wait "The launch failed" 30 && ok   # a failure opens its details at once
  tui_wait "boom  (5 times)" && ok
  tui_keys /
  tui_wait "find /" && ok
  tui_type "no-such-text"
  tui_keys Enter
  tui_wait 'no "no-such-text" below' && ok
  tui_keys Escape
  tui_wait_gone 'no "no-such-text" below' && ok
fi
tui_keys q; tui_keys y 2>/dev/null
tui_exited 20
# the Run screen's output: its pane wraps a long line (its end is on screen) and shows a
# repeated line once with its count; l opens it in the same viewer, which follows the run
cat >"$T_TMP/bin/slow-docker" <<'FAKE'
#!/bin/sh
if [ "$1" = run ]; then
  for i in 1 2 3; do echo "pulled-layer-again" >&2; done
  echo "a long line from the engine that goes on and on well past the right edge of an eighty column screen END-OF-LONG" >&2
  while [ ! -e "$GO_ON" ]; do sleep 0.1; done
  echo "arrived-while-viewing" >&2
  exit 125
fi
exit 0
FAKE
chmod +x "$T_TMP/bin/slow-docker"
tui_start 80 24 "${ENV[@]}" WS_LAUNCH_DOCKER="$T_TMP/bin/slow-docker" GO_ON="$T_TMP/go-on"
if to_review; then
  tui_keys Enter
  tui_wait "pulled-layer-again  (3 times)" 30 && ok
  tui_wait "END-OF-LONG" && ok
  tui_keys l
  tui_wait "Output (following; Esc closes)" && ok
  touch "$T_TMP/go-on"
  tui_wait "arrived-while-viewing" 10 && ok
  tui_wait_gone "following;" 10 && ok     # the run ended: the title says so
  tui_keys /
  tui_type "END-OF"
  tui_keys Enter
  case $(tui_raw) in *"no \"END-OF\" below"*) bad "find in the output viewer: $(tui_raw)" ;; *) ok ;; esac
  tui_keys Escape
  tui_wait_gone "Esc closes" && ok
  tui_keys v
  tui_wait "lines of output:" && ok     # the failure's details, in the same viewer
  tui_wait "arrived-while-viewing" && ok
  tui_keys Escape                        # closes the viewer, not the wizard
  tui_wait "l logs  d down" && ok
fi
tui_keys q; tui_keys y 2>/dev/null
tui_exited 20
rm -f "$T_TMP/dc/config.json"
tui_stop
