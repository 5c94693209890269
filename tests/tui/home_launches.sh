#!/bin/bash
# Day two on the wizard's Home, against daemon A: a launch made by `up` is
# listed under "Launches on this endpoint" with its state and URL (refreshed without
# a key); on its row o gives the URL, l its logs followed, S a shell in /workspace
# (curses set aside and restored), t stops and starts it (verified), u moves it
# to the registry's newest release keeping /workspace, d takes
# it down after asking; the row follows each change.
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/lib/tmux.sh"

mkdir -p "$T_TMP/bin"
ln -s "$WSL_DOCKER" "$T_TMP/bin/docker"
export PATH=$T_TMP/bin:$PATH
ENV=(XDG_CONFIG_HOME="$XDG_CONFIG_HOME" DOCKER_HOST="$WSL_A_HOST" DOCKER_CONFIG="$DOCKER_CONFIG"
     WS_LAUNCH_REGISTRY="$WSL_REGISTRY_URL" WS_LAUNCH_SYSBOX_DIR="$WSL_SYSBOX_RUN_DIR" PATH="$PATH")
NAME=$(uname_ home)
PORT=$WSL_FREE_PORT_4
cleanup() {
  DK rm -f "$NAME" >/dev/null 2>&1
  DK volume rm "$NAME-ws" >/dev/null 2>&1
  t_tui_cleanup
}
trap cleanup EXIT

# made from the registry's oldest release, so that u has a newer one to move to
newest=$(curl -sf "$WSL_REGISTRY_URL/v2/kloudkit/workspace/tags/list" | jq -r '.tags[]' |
  grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1)
[ -n "$newest" ] && [ "$newest" != v0.0.21 ] && ok || bad "the harness registry has no newer release ($newest)"
"$WS_BIN" up socket --yes --offline --name "$NAME" --volume "$NAME-ws" --port "$PORT" --socket "$WSL_A_SOCK" \
  --image "$WSL_REGISTRY/kloudkit/workspace:v0.0.21" --pull always --verify-timeout 60 >"$T_TMP/up.out" 2>&1 && ok || { bad "up: $(cat "$T_TMP/up.out")"; exit 1; }

tui_start 120 40 "${ENV[@]}"
tui_wait "Launches on this endpoint (" 10 && ok
tui_wait "$NAME" && ok
case $(tui_raw) in *"$NAME"*socket*running*"http://127.0.0.1:$PORT/"*) ok ;; *) bad "row lacks mode/state/URL: $(tui_raw)" ;; esac
tui_select "$NAME" && ok
# the bar offers the launch's keys there
case $(tui_raw) in *"o url"*"l logs"*"S shell"*"t stop/start"*"u upgrade"*"d down"*) ok ;; *) bad "key bar lacks the launch keys: $(tui_raw | tail -1)" ;; esac
tui_keys o
tui_wait "http://127.0.0.1:$PORT/ (copied" && ok
tui_keys l
tui_wait "logs of $NAME (following" && ok
# followed: a line the workspace writes now arrives in the open viewer
DK exec "$NAME" sh -c 'echo hello-from-the-follow-test >/proc/1/fd/1'
tui_wait "hello-from-the-follow-test" 10 && ok
tui_keys Escape
tui_wait_gone "logs of $NAME" && ok
sleep 0.5
pgrep -f -- "logs -f --tail 500 -- $NAME" >/dev/null && bad "closing the viewer left docker logs -f running" || ok
# S: a shell in the workspace on this terminal; exit comes back to Home
tui_keys S
tui_wait "ws-launch shell --name $NAME" 10 && ok
sleep 1
tui_type 'touch /workspace/from-the-wizard; exit'
tui_keys Enter
tui_wait "Launches on this endpoint (" 15 && ok
DK exec "$NAME" test -e /workspace/from-the-wizard && ok || bad "the shell did not run in the workspace"
tui_wait "shell --name $NAME: exit status 0" 5 && ok
# t: stop (output shown, Enter returns), the row says stopped; t again starts it, verified
tui_keys t
tui_wait "ws-launch stop --name $NAME" 10 && ok
tui_wait "press Enter to return" 60 && ok
case $(tui_raw) in *"stopped launch $NAME"*) ok ;; *) bad "stop not shown: $(tui_raw)" ;; esac
tui_keys Enter
tui_wait "stopped   (not serving while stopped; t starts it)" 10 && ok
tui_keys t
tui_wait "ws-launch start --name $NAME" 10 && ok
tui_wait "press Enter to return" 90 && ok
case $(tui_raw) in *"launched workspace $NAME: http://127.0.0.1:$PORT/"*) ok ;; *) bad "start did not verify: $(tui_raw)" ;; esac
tui_keys Enter
tui_wait "running" 10 && ok
# u: the CLI's upgrade on this terminal, asking first; the row then runs the newest
# release and the file the shell made in /workspace is still there
tui_keys u
tui_wait "ws-launch upgrade --name $NAME" 10 && ok
tui_wait "verify? [y/N]" 30 && ok
case $(tui_raw) in *"v0.0.21 → $WSL_REGISTRY/kloudkit/workspace:$newest"*) ok ;; *) bad "upgrade does not say where to: $(tui_raw)" ;; esac
tui_type y
tui_keys Enter
tui_wait "press Enter to return" 180 && ok
[ "$(DK inspect -f '{{.Config.Image}}' "$NAME" 2>/dev/null)" = "$WSL_REGISTRY/kloudkit/workspace:$newest" ] && ok ||
  bad "u did not move the launch to $newest: $(tui_raw)"
DK exec "$NAME" test -e /workspace/from-the-wizard && ok || bad "u lost /workspace"
tui_keys Enter
tui_wait "Launches on this endpoint (" 10 && ok
tui_wait "running" 10 && ok
# d: asks, then takes it down; the volume (the user's /workspace) stays
tui_keys d
tui_wait "Take $NAME down?" && ok
tui_keys y
tui_wait "ws-launch down --name $NAME" 10 && ok
tui_wait "press Enter to return" 60 && ok
case $(tui_raw) in *"of launch $NAME"*) ok ;; *) bad "down not shown: $(tui_raw)" ;; esac
tui_keys Enter
tui_wait "partial   (no workspace container)" 10 && ok             # its volume is still labelled: what ps says too
[ -z "$(DK ps -aq --filter "label=ws-launch.launch=$NAME")" ] && ok || bad "down left containers"
DK volume inspect "$NAME-ws" >/dev/null 2>&1 && ok || bad "down removed the workspace volume"
tui_keys q
tui_exited && ok
tui_err_clean "home launches"
tui_stop
