#!/bin/bash
# Whole flows, keyboard only, against the harness's real daemon A:
#   1. socket mode from Home to a running, verified stand-in workspace
#      (resized in the middle of Options and of Run), saved as a profile
#      on the way, then taken down with d;
#   2. the saved profile relaunched from Home (re-checks, reviews, runs)
#      over the same launch made with another port: refused, then R;
#   3. dind mode the same way;
#   4. the UI stays live while a remote check hangs (TCP blackhole);
#   5. Ctrl-C during a launch rolls it back and restores the terminal.
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/lib/tmux.sh"

mkdir -p "$T_TMP/bin"
ln -s "$WSL_DOCKER" "$T_TMP/bin/docker"
export PATH=$T_TMP/bin:$PATH
ENV=(XDG_CONFIG_HOME="$XDG_CONFIG_HOME" DOCKER_HOST="$WSL_A_HOST" DOCKER_CONFIG="$DOCKER_CONFIG"
     WS_LAUNCH_REGISTRY="$WSL_REGISTRY_URL" WS_LAUNCH_SYSBOX_DIR="$WSL_SYSBOX_RUN_DIR")
NAME=$(uname_ sock)
VOL=$(uname_ vol)
cleanup_launch() {
  local ids
  ids=$(labelled "$1")
  [ -z "$ids" ] && return
  DK rm -f $(DK ps -aq --filter "label=ws-launch.launch=$1") >/dev/null 2>&1
  DK network rm $(DK network ls -q --filter "label=ws-launch.launch=$1") >/dev/null 2>&1
  DK volume rm $(DK volume ls -q --filter "label=ws-launch.launch=$1") >/dev/null 2>&1
}
trap 'cleanup_launch "$NAME"; cleanup_launch "$(uname_ dind)"; cleanup_launch "$(uname_ int)"; t_tui_cleanup' EXIT

# edit_field LABEL VALUE: select the Options row LABEL and type VALUE
edit_field() {
  tui_keys Home 2>/dev/null
  tui_select "$1" || return 1
  tui_keys Enter C-u
  tui_type "$2"
  tui_keys Enter
  tui_wait "$2" 3
}

# ---- 1. socket: Home -> Mode -> Options -> Checks -> Review -> Run ----
tui_start 100 30 "${ENV[@]}"
tui_wait "New launch"
tui_keys Enter
tui_wait "Recommended:" 20
tui_keys Home
tui_select "socket"
tui_keys Enter
tui_wait "Options for Host socket"
edit_field "Container name" "$NAME"
edit_field "Publish" "127.0.0.1:$WSL_FREE_PORT_1:8080"
edit_field "Workspace volume" "$VOL"
# resize while a field is being edited: the text and the cursor survive
tui_select "Extra env"
tui_keys Enter
tui_type "WS_SERVER_PORT=8080"
tui_resize 70 20
sleep 0.3
tui_resize 120 40
tui_wait "WS_SERVER_PORT=8080" && ok
tui_keys Enter
tui_wait "(detected)"
case $(tui_raw) in *"Socket group id     $WSL_A_SOCK_GID"*|*"Socket group id         $WSL_A_SOCK_GID"*) ok ;;
  *) bad "socket gid not detected as $WSL_A_SOCK_GID: $(tui_raw)" ;; esac
tui_keys n
tui_wait "0 failed" 20 && ok
# a remedy in the wizard's words: the field to set and its value, not the CLI flag
tui_wait "newer tag" 10 && ok
case $(tui_raw) in *"--image"*) bad "the Checks screen names the CLI flag: $(tui_raw)" ;;
  *"the Image field set to ghcr.io/kloudkit/workspace:v"*) ok ;; *) bad "no remedy for the newer tag: $(tui_raw)" ;; esac
tui_keys Enter
tui_wait "Review: Host socket"
case $(tui_raw) in *"--group-add $WSL_A_SOCK_GID"*) ok ;; *) bad "review lacks --group-add $WSL_A_SOCK_GID" ;; esac
# the image is on A: no pull step here, and none in print either (they agree)
case $(tui_raw) in *"docker pull"*) bad "review pulls an image the daemon has" ;; *) ok ;; esac
# save as profile on the way
tui_keys s
tui_wait "Save as profile"
tui_keys C-u
tui_type "flow"
tui_keys Enter
tui_wait "saved profile flow" && ok
[ -f "$XDG_CONFIG_HOME/ws-launch/profiles/flow.yaml" ] && ok || bad "profile file missing"
tui_keys Enter
tui_wait "Run: Host socket"
tui_resize 60 16
sleep 0.3
tui_resize 100 30
tui_wait "The workspace is running" 90 && ok
tui_wait "docker inside answers" 5 && ok
[ "$(DK inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ] && ok || bad "container $NAME not running"
curl -sf "http://127.0.0.1:$WSL_FREE_PORT_1/" | grep -q "$WSL_WS_MARKER" && ok || bad "web port does not answer"
# l shows the whole output in the viewer; Esc back
tui_keys l
tui_wait "Esc closes" && ok
tui_keys Escape
tui_wait_gone "Esc closes" && ok
# d takes it down (volumes stay)
tui_keys d
tui_wait "Take the launch down"
tui_keys y
tui_wait "(volumes kept)" 30 && ok
tui_wait "The launch was taken down" 3 && ok   # the headline says what is true now
case $(tui_raw) in *"The workspace is running"*) bad "after d the headline still says running" ;; *) ok ;; esac
[ -z "$(DK ps -aq --filter "label=ws-launch.launch=$NAME")" ] && ok || bad "container left after d"
[ -n "$(DK volume ls -q --filter "label=ws-launch.launch=$NAME")" ] && ok || bad "volume removed by d"
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "socket flow: exit $tui_rc"; }
tui_err_clean "exit"
tui_stty_same "socket flow"

# ---- 2. relaunch the saved profile from Home, over the same launch made on
# the command line with another port: refused with what changed, R replaces
env "${ENV[@]}" "$WS_BIN" up --profile flow --port "$WSL_FREE_PORT_2" --yes --offline --pull never \
  >"$T_TMP/cli-up.out" 2>&1 && ok || bad "CLI up with another port: $(cat "$T_TMP/cli-up.out")"
old_id=$(DK inspect -f '{{.Id}}' "$NAME" 2>/dev/null)
tui_start 100 30 "${ENV[@]}"
tui_wait "Saved profiles (1)"
tui_select "flow"
tui_wait "flow.yaml" && ok
tui_keys Enter
tui_wait "Checks for Host socket"
tui_wait "0 failed" 20 && ok
tui_keys Enter
tui_wait "profile flow" && ok
tui_keys Enter
# the failure opens in full, wrapped and scrollable: the daemon's words and what changed
tui_wait "The launch failed" 60 && ok
tui_wait "was launched with other options" 3 && ok
tui_wait "publish 127.0.0.1:$WSL_FREE_PORT_2:8080 -> 127.0.0.1:$WSL_FREE_PORT_1:8080" 3 && ok
tui_keys G
tui_wait "Esc closes" 3 && ok
tui_keys Escape
tui_wait "R replaces its containers" 3 && ok
tui_keys v
tui_wait "What changed since the launch was made" 3 && ok
tui_keys Escape
[ "$(DK inspect -f '{{.Id}}' "$NAME" 2>/dev/null)" = "$old_id" ] && ok || bad "refused relaunch touched the container"
tui_keys R
tui_wait "The workspace is running" 90 && ok
[ "$(DK inspect -f '{{.Id}}' "$NAME" 2>/dev/null)" != "$old_id" ] && ok || bad "R did not replace the container"
[ "$(DK port "$NAME" 8080/tcp)" = "127.0.0.1:$WSL_FREE_PORT_1" ] && ok || bad "R: port is $(DK port "$NAME" 8080/tcp)"
[ "$(DK inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ] && ok || bad "relaunch: $NAME not running"
tui_keys d
tui_wait "Take the launch down"
tui_keys y
tui_wait "(volumes kept)" 30 && ok
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "relaunch: exit $tui_rc"; }
tui_err_clean "exit"
cleanup_launch "$NAME"

# ---- 3. dind ----
DN=$(uname_ dind)
tui_start 120 40 "${ENV[@]}"
tui_wait "New launch"
tui_keys Enter
tui_wait "Recommended:" 20
tui_keys Home
tui_select "dind"
tui_keys Enter
tui_wait "Options for docker:dind sidecar"
edit_field "Container name" "$DN"
edit_field "Publish" "127.0.0.1:$WSL_FREE_PORT_2:8080"
edit_field "Workspace volume" "$DN-ws"
edit_field "Network" "$DN-net"
edit_field "Sidecar name" "$DN-dind"
edit_field "Sidecar data volume" "$DN-data"
edit_field "Client certs volume" "$DN-certs"
tui_keys n
tui_wait "failed ·" 20
tui_keys Enter
tui_seen "Not ready" 2 && tui_keys y
tui_wait "Review: docker:dind sidecar" && ok
tui_keys Enter
tui_wait "The workspace is running" 150 && ok
[ "$(DK inspect -f '{{.State.Running}}' "$DN" 2>/dev/null)" = true ] && ok || bad "dind: $DN not running"
[ "$(DK inspect -f '{{.State.Running}}' "$DN-dind" 2>/dev/null)" = true ] && ok || bad "dind: sidecar not running"
tui_keys d
tui_wait "Take the launch down"
tui_keys y
tui_wait "(volumes kept)" 60 && ok
[ -z "$(DK ps -aq --filter "label=ws-launch.launch=$DN")" ] && ok || bad "dind: containers left after d"
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "dind: exit $tui_rc"; }
tui_err_clean "exit"
cleanup_launch "$DN"

# ---- 4. a remote check that hangs does not freeze the screen ----
tui_start 100 30 "${ENV[@]}"
tui_wait "New launch"
tui_keys Enter
tui_wait "Choose a mode"
tui_keys Home
tui_select "tcp"
tui_keys Enter
tui_wait "Options for Remote daemon (TCP/TLS)"
edit_field "Daemon host" "127.0.0.1"
edit_field "Daemon port" "$WSL_BLACKHOLE_PORT"
tui_select "TLS"
for _ in 1 2 3; do     # auto -> true -> false
  tui_raw | grep '› TLS' | grep -v detected | grep -q false && break
  tui_keys Space
  sleep 0.2
done
tui_raw | grep '› TLS' | grep -v detected | grep -q false && ok || bad "TLS not set to false"
t0=$(date +%s%N)
tui_keys n
tui_wait "Checks for Remote daemon" 3
tui_wait "✓ cli" 2 && ok                       # local results are there at once
case $(tui_raw) in *"tcp.reach"*"checking"*) ok ;; *) bad "tcp.reach is not pending: $(tui_raw)" ;; esac
tui_keys '?'
tui_wait "Keys: Checks" 2 && ok                # keys work while it hangs
tui_keys Escape
tui_wait_gone "Keys: Checks" 2
t1=$(date +%s%N)
case $(tui_raw) in *"tcp.reach"*"checking"*) ok ;; *) bad "the remote check finished before the keys were tested" ;; esac
[ $(( (t1 - t0) / 1000000 )) -lt 4000 ] && ok || bad "help took $(( (t1 - t0) / 1000000 )) ms while a check hangs"
tui_wait "timed out" 15 && ok                   # then the slow check times out
tui_keys q
tui_exited && { [ "$tui_rc" = 0 ] && ok || bad "hang: exit $tui_rc"; }
tui_err_clean "exit"
tui_stty_same "hanging check"

# ---- 5. Ctrl-C during a launch: rolled back, terminal restored, 130 ----
IN=$(uname_ int)
tui_start 100 30 "${ENV[@]}"
tui_wait "New launch"
tui_keys Enter
tui_wait "Recommended:" 20
tui_keys Home
tui_select "socket"
tui_keys Enter
tui_wait "Options for Host socket"
edit_field "Container name" "$IN"
edit_field "Publish" "127.0.0.1:$WSL_FREE_PORT_3:8080"
edit_field "Workspace volume" "$IN-ws"
tui_keys n
tui_wait "0 failed" 20
tui_keys Enter
tui_wait "Review: Host socket"
tui_keys Enter
tui_wait "Run: Host socket"
tui_wait "verifying" 30 || tui_wait "start the workspace" 5
tui_keys C-c
tui_exited 30 && { [ "$tui_rc" = 130 ] && ok || bad "Ctrl-C during run: exit $tui_rc"; }
tui_err_clean "exit"
tui_stty_same "Ctrl-C during run"
[ -z "$(labelled "$IN")" ] && ok || bad "Ctrl-C left objects: $(labelled "$IN")"
tui_stop
