#!/bin/bash
# images: bad input of every kind is one line and exit 2, before any daemon
# is asked (issue 20.2): no such file, a foreign file, a truncated or
# incomplete archive, a FIFO, a bad MODE, save without --output.
. "$(dirname "$0")/../lib/assert.sh"
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"
d=$T_TMP/a && mkdir -p "$d"
echo '{}' >"$d/cfg.json"
head -c 3000 /dev/urandom >"$d/layer.tar"
echo '[{"Config":"cfg.json","RepoTags":["x/y:1"],"Layers":["layer.tar"]}]' >"$d/manifest.json"
tar -cf "$T_TMP/good.tar" -C "$d" manifest.json cfg.json layer.tar
# members: manifest.json (header at 0), cfg.json (1024), layer.tar (2048, data
# 2560-5631), then the end blocks at 5632
head -c 6144 "$T_TMP/good.tar" >"$T_TMP/cut-end.tar"   # one end block of two
head -c 3000 "$T_TMP/good.tar" >"$T_TMP/cut-mid.tar"   # inside layer.tar
tar -cf "$T_TMP/nomanifest.tar" -C "$d" cfg.json layer.tar
echo '[{"Config":"cfg.json","RepoTags":["x/y:1"],"Layers":["gone.tar"]}]' >"$d/manifest.json"
tar -cf "$T_TMP/incomplete.tar" -C "$d" manifest.json cfg.json layer.tar
echo 'not json' >"$d/manifest.json"
tar -cf "$T_TMP/badjson.tar" -C "$d" manifest.json cfg.json layer.tar
printf 'hello\n' >"$T_TMP/text"
: >"$T_TMP/empty"
mkfifo "$T_TMP/fifo"
# a header whose checksum is wrong
cp "$T_TMP/good.tar" "$T_TMP/badsum.tar"
printf 'X' | dd of="$T_TMP/badsum.tar" bs=1 seek=2050 conv=notrunc 2>/dev/null

usage_error "load: no such file" "ws-launch: $T_TMP/nope.tar: cannot read: No such file or directory; nothing was loaded" \
  images load "$T_TMP/nope.tar"
usage_error "load: a text file" "ws-launch: $T_TMP/text: not an image archive (6 bytes: no tar header); nothing was loaded" \
  images load "$T_TMP/text"
usage_error "load: an empty file" "" images load "$T_TMP/empty"
usage_error "load: a directory" "ws-launch: $T_TMP: not a regular file; nothing was loaded" images load "$T_TMP"
usage_error "load: a FIFO (no hang)" "ws-launch: $T_TMP/fifo: not a regular file; nothing was loaded" images load "$T_TMP/fifo"
usage_error "load: cut inside the end blocks" "" images load "$T_TMP/cut-end.tar"
expect_err_has "truncated" "load: cut inside the end blocks"
usage_error "load: cut inside a member" "" images load "$T_TMP/cut-mid.tar"
expect_err_has "truncated: 'layer.tar' needs" "load: cut inside a member"
usage_error "load: a tar without manifest.json" "" images load "$T_TMP/nomanifest.tar"
expect_err_has "no manifest.json" "load: no manifest.json"
usage_error "load: a layer the archive lacks" "" images load "$T_TMP/incomplete.tar"
expect_err_has "manifest.json names 'gone.tar', which the archive does not hold" "load: incomplete"
usage_error "load: manifest.json not JSON" "" images load "$T_TMP/badjson.tar"
usage_error "load: a damaged header" "" images load "$T_TMP/badsum.tar"
expect_err_has "wrong checksum" "load: damaged header"
usage_error "load: no file" "ws-launch: images load: takes one archive: ws-launch images load FILE" images load
usage_error "load: two files" "" images load "$T_TMP/good.tar" "$T_TMP/good.tar"
usage_error "a bad MODE" "" images bogus
expect_err_has "unknown mode" "a bad MODE"
usage_error "no MODE" "" images
usage_error "save without --output" "ws-launch: images save: needs --output FILE: the archive to write" images save sysbox
usage_error "save into no directory" "ws-launch: --output: no directory $T_TMP/none to write $T_TMP/none/x.tar in" \
  images save sysbox --output "$T_TMP/none/x.tar"
usage_error "--output on the list" "ws-launch: --output: is for 'images save'" images sysbox --output "$T_TMP/x.tar"
usage_error "save --json" "" images save sysbox --output "$T_TMP/x.tar" --json
usage_error "a bad option value" "" images sysbox --port 0
# the good archive passes the checks: the failure is the missing daemon (exit 1);
# so do long member names, as GNU tar (an 'L' entry) and PAX ('x') write them
long=$(printf 'd%.0s' $(seq 120))
mkdir -p "$d/$long" && head -c 700 /dev/urandom >"$d/$long/layer.tar"
echo "[{\"Config\":\"cfg.json\",\"RepoTags\":null,\"Layers\":[\"$long/layer.tar\"]}]" >"$d/manifest.json"
tar --format=gnu -cf "$T_TMP/gnu.tar" -C "$d" manifest.json cfg.json "$long/layer.tar"
tar --format=pax -cf "$T_TMP/pax.tar" -C "$d" manifest.json cfg.json "$long/layer.tar"
for f in good gnu pax; do
  run images load "$T_TMP/$f.tar"
  expect_rc 1 "load: $f.tar passes the checks and reaches the daemon"
  expect_err_has "did not answer" "load: $f.tar, no daemon"
done
[ ! -e "$T_TMP/x.tar" ] && ok || bad "a refused save wrote a file"
usage_error "load: a control character in the name" "ws-launch: images load: control character U+001B at character 2" \
  images load "$(printf 'a\033b')"
usage_error "save: a control character in --output" "" images save sysbox --output "$(printf '%s/a\033b' "$T_TMP")"
