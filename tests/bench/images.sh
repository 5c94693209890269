#!/bin/bash
# tests/bench/images.sh - `ws-launch images save` and `images load` of the
# stand-in workspace image (~212 MB) on the harness's daemon A, next to
# `docker save -o` and `docker load -i` of the same image; RUNS runs each,
# medians; and the peak RSS of each (the archive streams: memory stays flat
# whatever the image's size).
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
ref=wsl-bench-images/ws:$$
/usr/bin/docker tag "$WSL_WS_IMAGE" "$ref"
time_runs "$RUNS" "ws-launch images save" "$WS_BIN" images save socket --socket "$WSL_A_SOCK" --image "$ref" \
  --output "$BTMP/a.tar"
time_runs "$RUNS" "docker save -o" /usr/bin/docker save -o "$BTMP/b.tar" "$ref"
ls -l "$BTMP/a.tar" "$BTMP/b.tar" | awk '{printf "%-34s %s bytes\n", $NF, $5}'
time_runs "$RUNS" "ws-launch images load" "$WS_BIN" images load "$BTMP/a.tar"
time_runs "$RUNS" "docker load -i" /usr/bin/docker load -i "$BTMP/b.tar"
peak_rss "ws-launch images save" "$WS_BIN" images save socket --socket "$WSL_A_SOCK" --image "$ref" --output "$BTMP/a.tar"
peak_rss "ws-launch images load" "$WS_BIN" images load "$BTMP/a.tar"
peak_rss "docker save -o" /usr/bin/docker save -o "$BTMP/b.tar" "$ref"
peak_rss "docker load -i" /usr/bin/docker load -i "$BTMP/b.tar"
/usr/bin/docker rmi "$ref" >/dev/null
rm -rf "$BTMP"
