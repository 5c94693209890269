#!/bin/bash
# Issue 20.4 in the wizard: a launch that fails verification (its command
# exits 3) shows the diagnosis and offers both: y rolls back what it
# created, n keeps it to look into.  The image is made here from the
# stand-in and removed at the end.
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/lib/tmux.sh"
tui_peer_env
IMG=wsl-verify-$(uname_ offer):v1
NAME=$(uname_ offer)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
c=$(uname_ mk)
DK run --name "$c" -u 0 --entrypoint true "$WSL_WS_IMAGE" >/dev/null 2>&1
DK commit --change 'USER 1000' --change 'CMD []' \
  --change 'ENTRYPOINT ["/bin/sh", "-c", "echo the offer test exits; exit 3"]' "$c" "$IMG" >/dev/null
DK rm -f "$c" >/dev/null
cleanup() {
  DK rm -f $(DK ps -aq --filter "label=ws-launch.launch=$NAME") >/dev/null 2>&1
  DK volume rm $(DK volume ls -q --filter "label=ws-launch.launch=$NAME") >/dev/null 2>&1
  DK rmi -f "$IMG" >/dev/null 2>&1
}
trap 'cleanup; t_tui_cleanup' EXIT
edit_field() {
  tui_keys Home 2>/dev/null
  tui_select "$1" || return 1
  tui_keys Enter C-u
  tui_type "$2"
  tui_keys Enter
  tui_wait "$2" 3
}
# launch: Home -> socket Options (image, name, port, volume) -> Checks -> Review -> Run
launch() {
  tui_start 110 32 "${ENV[@]}"
  tui_wait "New launch" || return 1
  tui_keys Enter
  tui_wait "Recommended:" 20 || return 1
  tui_keys Home
  tui_select "socket"
  tui_keys Enter
  tui_wait "Options for Host socket" || return 1
  edit_field "Image" "$IMG"
  edit_field "Container name" "$NAME"
  edit_field "Publish" "127.0.0.1:$port:8080"
  edit_field "Workspace volume" "$NAME-ws"
  tui_keys n
  tui_wait "0 failed" 20 || return 1
  tui_keys Enter
  tui_wait "Review: Host socket" || return 1
  tui_keys Enter
  tui_wait "Verification failed" 30
}

launch && ok
screen=$(tui_raw)
case $screen in *"exit code 3"*) ok ;; *) bad "the offer shows the diagnosis: $screen" ;; esac
case $screen in *"Roll back what this launch created?"*) ok ;; *) bad "the offer asks: $screen" ;; esac
[ -n "$(DK ps -aq --filter "label=ws-launch.launch=$NAME")" ] && ok || bad "kept until the answer"
tui_keys y
for _ in $(seq 100); do [ -z "$(labelled "$NAME")" ] && break; sleep 0.1; done
[ -z "$(labelled "$NAME")" ] && ok || bad "y rolled back: left $(labelled "$NAME")"
tui_wait "rolled back" 10 && ok
tui_stop

launch && ok
tui_keys n
sleep 1
[ "$(DK inspect -f '{{.State.ExitCode}}' "$NAME" 2>&1)" = 3 ] && ok || bad "n kept the workspace to look into"
tui_stop
