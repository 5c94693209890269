#!/bin/bash
# Issues 20.3, 20.4, 23.1: verification that diagnoses and stops as soon as
# the outcome is certain (an image without dockerd, a command that exits, a
# wrong socket group), a failed verification rolls back unless --keep, and
# the web check means serving (GET /healthz answers 2xx).  The special
# images are made here from the stand-in and removed at the end.
. "$(dirname "$0")/../lib/peers.sh"
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
has() { case $1 in *"$2"*) ok ;; *) bad "$3: [$1] lacks [$2]" ;; esac; }
lacks() { case $1 in *"$2"*) bad "$3: [$1] has [$2]" ;; *) ok ;; esac; }
# up ARGS: runs `ws-launch up`, sets rc, out, err and secs (wall time).
up() {
  local t0; t0=$(date +%s%N)
  "$WS_BIN" up "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null; rc=$?
  secs=$((($(date +%s%N) - t0) / 1000000000)); out=$(cat "$T_TMP/out"); err=$(cat "$T_TMP/err")
}
within() { echo "  $2: $secs s (bound $1 s)"; [ "$secs" -le "$1" ] && ok || bad "$2: took $secs s, bound $1 s"; }
trap 'cleanup_images; t_cleanup' EXIT
port=$(free_port)

# --- the stand-in serves /healthz, and a launch checks it
n=$(uname_ ok)
up socket --yes --offline --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK"
eq "$rc" 0 "a launch of the stand-in ($err)"
has "$err" "/healthz answers HTTP 200" "the web check asks /healthz"
lacks "$err" "(the line above" "a launch that works repeats no waiting line"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
eq "$(labelled "$n")" "" "down after the healthy launch"

# --- /healthz answers 404: fails within its bound naming the path and the status, leaves nothing
img404=wsl-verify-$(uname_ h404):v1
derive "$img404" rm /var/www/workspace/healthz
n=$(uname_ h404)
up socket --yes --offline --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" --image "$img404" \
  --pull never --verify-timeout 6
eq "$rc" 1 "/healthz 404 fails"
within 16 "/healthz 404"
has "$err" "GET /healthz answers HTTP 404" "names the path and the status"
has "$err" "404 Not Found" "shows the body's first line"
has "$err" "rolled back" "a failed verification rolls back"
has "$err" "run again with --keep" "says how to keep it for inspection"
eq "$(labelled "$n")" "" "/healthz 404 left nothing"
# --verify-http: another path that answers makes it pass
up socket --yes --offline --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" --image "$img404" \
  --pull never --verify-timeout 6 --verify-http /index.html
eq "$rc" 0 "--verify-http /index.html passes ($err)"
has "$err" "/index.html answers HTTP 200" "--verify-http checks that path"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
# --keep keeps the containers of a failed verification
up socket --yes --offline --keep --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" --image "$img404" \
  --pull never --verify-timeout 4
eq "$rc" 1 "/healthz 404 with --keep fails"
has "$err" "kept for inspection (--keep)" "--keep says it kept"
has "$err" "docker logs $n" "--keep says where to look"
eq "$(DK inspect -f '{{.State.Running}}' "$n" 2>&1)" true "--keep kept the workspace running"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
eq "$(labelled "$n")" "" "down after --keep"
# bad input: one line naming the field, exit 2
"$WS_BIN" up socket --dry-run --verify-http healthz >/dev/null 2>"$T_TMP/e"; rc=$?
eq "$rc" 2 "--verify-http without a leading /"
has "$(cat "$T_TMP/e")" "--verify-http" "the error names the flag"

# --- the command exits 3: within 10 s, the exit code and the last log line
#     (a line on stdout, then one on stderr: the daemon stamps each stream
#     as it reads it, so lines of both written at once have no order)
img3=wsl-verify-$(uname_ exit3):v1
CHANGES=(--change 'ENTRYPOINT ["/bin/sh", "-c", "echo first words; sleep 0.3; echo last words before exit >&2; exit 3"]')
derive "$img3" true
n=$(uname_ exit3)
up socket --yes --offline --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" --image "$img3" --pull never
eq "$rc" 1 "an image whose command exits 3"
within 10 "exit 3"
has "$err" "exit code 3" "names the exit code"
has "$err" "not OOM-killed" "says whether it was OOM-killed"
has "$err" "its last log line: last words before exit" "shows its last log line"
a=$(grep -n '| first words$' <<<"$err" | cut -d: -f1); b=$(grep -n '| last words before exit$' <<<"$err" | cut -d: -f1)
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] && ok || bad "its log lines, stdout and stderr, in their order: $err"
eq "$(labelled "$n")" "" "exit 3 rolled back"

# --- privileged on an image without dockerd: within 20 s, naming dockerd
imgnd=wsl-verify-$(uname_ nodockerd):v1
derive "$imgnd" rm /usr/sbin/dockerd
# check --deep says so before anything is made (the trial looks into the image)
"$WS_BIN" check privileged --deep --offline --image "$imgnd" >"$T_TMP/out" 2>&1; rc=$?
eq "$rc" 1 "check privileged --deep of an image without dockerd"
has "$(cat "$T_TMP/out")" "the image $imgnd has no dockerd" "check --deep names dockerd"
"$WS_BIN" check privileged --deep --offline >"$T_TMP/out" 2>&1
lacks "$(cat "$T_TMP/out")" "has no dockerd" "check --deep of the stand-in finds its dockerd"
n=$(uname_ nodockerd)
up privileged --yes --offline --name "$n" --volume "$n-ws" --data-volume "$n-dd" --port "$port" --image "$imgnd" \
  --pull never
eq "$rc" 1 "privileged without dockerd"
within 20 "no dockerd"
has "$err" "has no dockerd" "names dockerd"
has "$err" "$imgnd" "names the image"
eq "$(labelled "$n")" "" "no dockerd rolled back"

# --- a socket launch with a wrong --group names the right one
n=$(uname_ group)
up socket --yes --offline --force --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" --group 4242
eq "$rc" 1 "a wrong --group"
within 20 "wrong --group"
has "$err" "permission denied on the mounted socket" "says permission denied"
has "$err" "launch with --group $WSL_A_SOCK_GID" "names the right group"
eq "$(labelled "$n")" "" "wrong --group rolled back"

# --- in a log (not a tty) a repeated waiting line is written once, with its count
n=$(uname_ log)
up privileged --yes --offline --name "$n" --volume "$n-ws" --data-volume "$n-dd" --port "$port" --verify-timeout 30
eq "$rc" 0 "privileged launch ($err)"
dup=$(grep '^verifying Docker inside' "$T_TMP/err" | sort | uniq -d)
eq "$dup" "" "no waiting line written twice in a row"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
eq "$(labelled "$n")" "" "down after the privileged launch"

# --- privileged, dockerd inside starts and dies: the tail of its log inside the workspace
imgdie=wsl-verify-$(uname_ ddie):v1
derive "$imgdie" sh -c 'printf "#!/bin/sh\necho \"failed to start daemon: boom from the test\" >&2\nexit 1\n" >/usr/sbin/dockerd'
n=$(uname_ ddie)
up privileged --yes --offline --name "$n" --volume "$n-ws" --data-volume "$n-dd" --port "$port" --image "$imgdie" \
  --pull never
eq "$rc" 1 "privileged, dockerd dies"
within 30 "dockerd dies"
has "$err" "dockerd inside the workspace started and exited" "says dockerd started and exited"
has "$err" "/var/log/workspace/dockerd.log: failed to start daemon: boom from the test" "shows the tail of its log"
eq "$(labelled "$n")" "" "dockerd dies: rolled back"

# up_dind NAME SIDECAR-IMAGE BOUND: a dind launch of the stand-in with that sidecar image
up_dind() {
  up dind --yes --offline --force --name "$1" --volume "$1-ws" --port "$port" --network "$1-net" --sidecar "$1-side" \
    --data-volume "$1-dd" --certs-volume "$1-dc" --dind-image "$2" --pull never --verify-timeout "$3"
}
# --- dind, the sidecar exits: its state and its last log line
imgside=wsl-verify-$(uname_ side):v1
CHANGES=(--change 'ENTRYPOINT ["/bin/sh", "-c", "echo sidecar says goodbye; exit 4"]')
derive "$imgside" true
n=$(uname_ side)
up_dind "$n" "$imgside" 60
eq "$rc" 1 "dind, the sidecar exits"
within 30 "sidecar exits"
has "$err" "the dind sidecar $n-side is exited (exit code 4" "names the sidecar, its state and exit code"
has "$err" "its last log line: sidecar says goodbye" "shows the sidecar's last log line"
eq "$(labelled "$n")" "" "sidecar exits: rolled back"
# ... a sidecar that runs but serves no Docker: at the bound, its last log line
imgidle=wsl-verify-$(uname_ idle):v1
CHANGES=(--change 'ENTRYPOINT ["/bin/sh", "-c", "echo an idle sidecar; exec sleep 600"]')
derive "$imgidle" true
n=$(uname_ idle)
up_dind "$n" "$imgidle" 6
eq "$rc" 1 "dind, a sidecar without Docker"
within 25 "idle sidecar"
has "$err" "docker does not work inside the workspace after 6 s" "the bound"
has "$err" "the dind sidecar $n-side runs; its last log line: an idle sidecar" "the sidecar's last log line"
eq "$(labelled "$n")" "" "idle sidecar: rolled back"
