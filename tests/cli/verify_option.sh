#!/bin/bash
# Issue 22.4: --verify quick|full and --verify-image REF: bad values and modes without an inner daemon are one
# line and exit 2 naming the flag (up, print, start, upgrade); help shows them; the profile round-trip keeps them;
# they are not in the digest (a launch verified either way is the same launch).
. "$(dirname "$0")/../lib/assert.sh"
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"

usage_error "print bad value" "ws-launch: --verify: 'bogus' is not one of quick|full" print privileged --verify bogus
usage_error "up bad value" "ws-launch: --verify: 'bogus' is not one of quick|full" up privileged --yes --verify bogus
usage_error "empty value" "" print dind --verify ""
usage_error "socket cannot carry" "ws-launch: --verify: does not apply to mode socket (it is for: sysbox, privileged, dind)" \
  print socket --socket /run/x.sock --group 1 --verify full
usage_error "tcp cannot carry the image" "" print tcp --host h --verify-image busybox:latest
usage_error "bad image" "ws-launch: --verify-image: 'a b' is not a valid image reference: it contains a space, control or non-ASCII character" \
  print privileged --verify full --verify-image "a b"
usage_error "start bad value" "ws-launch: --verify: 'bogus' is not one of quick|full" start --verify bogus
usage_error "start bad image" "" start --verify full --verify-image "a b"
usage_error "upgrade bad value" "ws-launch: --verify: 'Full' is not one of quick|full" upgrade --verify Full
usage_error "stop takes none" "" stop --verify full

# help
for c in up start upgrade; do
  run help "$c"
  expect_out_has "--verify quick|full" "help $c shows --verify"
  expect_out_has "--verify-image REF" "help $c shows --verify-image"
done
run help up
expect_out_has "[quick]" "help up shows the default"

# not in the digest nor in the options label: the same launch either way
digest() { "$WS_BIN" print "$@" 2>/dev/null | grep -o 'ws-launch.digest=[0-9a-f]*' | head -1; }
d0=$(digest privileged) d1=$(digest privileged --verify full --verify-image reg.example:5000/x:1)
[ -n "$d0" ] && [ "$d0" = "$d1" ] && ok || bad "digest changed with --verify: [$d0] [$d1]"
run print privileged --verify full
case $out in *verify*) bad "--verify in the plan: $out" ;; *) ok ;; esac

# profile round-trip
run profile save v privileged --verify full --verify-image reg.example:5000/x:1
expect_rc 0 "save"
run profile show v
expect_out_has "verify: full" "profile keeps --verify"
expect_out_has "verify_image: reg.example:5000/x:1" "profile keeps --verify-image"
run print privileged --verify full --verify-image reg.example:5000/x:1 --pull never
direct=$out
run print --profile v --pull never
expect_out "$direct" "print --profile equals print with the same options"
run profile save q privileged
run profile show q
case $out in *verify*) bad "the default is saved: $out" ;; *) ok ;; esac
# a bad value in a profile is an error naming its place
mkdir -p "$XDG_CONFIG_HOME/ws-launch/profiles"
printf 'version: 1\nmode: privileged\nverify: slow\n' >"$XDG_CONFIG_HOME/ws-launch/profiles/bad.yaml"
run print --profile bad
expect_rc 2 "a bad verify in a profile"
expect_err_has "verify" "the profile error names the key"
