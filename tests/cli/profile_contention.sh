#!/bin/bash
# Profiles under contention and hostile profile files: concurrent saves of
# one new name (exactly one wins), a full disk (RLIMIT_FSIZE: exit 1, old
# file intact, no temporary left), hidden names, YAML tags, FIFOs.
. "$(dirname "$0")/../lib/assert.sh"
needs bsdutils script
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"
P=$XDG_CONFIG_HOME/ws-launch/profiles

# 1. Twenty concurrent saves of one new name without --force: one wins.
run profile save warmup socket --group 998      # creates the directory
expect_rc 0 "warm-up save"
for i in $(seq 1 20); do
  ( "$WS_BIN" profile save race socket --group "$((900 + i))" >/dev/null 2>"$T_TMP/race.$i"
    echo $? >"$T_TMP/race.$i.rc" ) &
done
wait
won=0 lost=0
for i in $(seq 1 20); do
  r=$(cat "$T_TMP/race.$i.rc")
  if [ "$r" = 0 ]; then
    grep -q "saved profile race" "$T_TMP/race.$i" && won=$((won + 1))
  elif [ "$r" = 2 ] && grep -q "profile race exists; use --force to replace it" "$T_TMP/race.$i"; then
    lost=$((lost + 1))
  else
    bad "race $i: exit $r: $(cat "$T_TMP/race.$i")"
  fi
done
[ "$won" = 1 ] && ok || bad "concurrent saves: $won said saved (want exactly 1)"
[ "$lost" = 19 ] && ok || bad "concurrent saves: $lost refused (want 19)"
# The file that exists is the winner's, complete and loadable.
run profile show race
expect_rc 0 "the winner's profile loads"
expect_out_has "mode: socket" "the winner's profile is whole"
[ -z "$(ls -A "$P" | grep -v '\.yaml$')" ] && ok || bad "temporary files left: $(ls -A "$P")"

# 2. A full disk: exit 1 (not a signal), old file intact, no temporary.
#    (Not under the valgrind wrapper: valgrind itself cannot write its log
#    under `ulimit -f 0` and dies of SIGXFSZ; the plain and ASan+UBSan runs
#    of this script, and test_profile under valgrind, cover it.)
run profile save keep sysbox --name first-ws
expect_rc 0 "save keep"
cp "$P/keep.yaml" "$T_TMP/keep.before"
case $WS_BIN in */valgrind-ws-launch) ;; *)
# stderr goes through a pipe: the file-size limit applies to files only.
err=$( ( ulimit -f 0; "$WS_BIN" profile save keep sysbox --name second-ws --force 2>&1 >/dev/null ) ); rc=$?
expect_rc 1 "save on a full disk"
expect_err_has "cannot write" "full disk: the reason"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && ok || bad "full disk: not one line: $err"
cmp -s "$P/keep.yaml" "$T_TMP/keep.before" && ok || bad "full disk: the old profile changed"
[ -z "$(ls -A "$P" | grep -v '\.yaml$')" ] && ok || bad "full disk: temporary left: $(ls -A "$P")"
;; esac

# 3. Names starting with '.' are refused (the saver's temporaries are .NAME.yaml.XXXXXX).
usage_error "hidden name" "" profile save .hidden socket --group 998
expect_err_has "must not start with '.'" "hidden name: the reason"
usage_error "hidden name ..x" "" profile save ..x socket --group 998
[ ! -e "$P/.hidden.yaml" ] && ok || bad "hidden profile written"

# 4. Explicit YAML tags are refused with file:line:col, in profiles and themes.
i=0
for doc in 'mode: !!str socket' 'mode: socket\nsocket:\n  group: !!int 998' \
           'mode: socket\nenv: !!python/object:os.system {}' 'mode: !custom socket' \
           'mode: socket\nenv: !!map\n  A: b'; do
  i=$((i + 1))
  printf "version: 1\n$doc\n" >"$P/tag$i.yaml"
  run profile show "tag$i"
  expect_rc 2 "tag $i"
  expect_err_has "$P/tag$i.yaml:" "tag $i: file named"
  expect_err_has "YAML tags" "tag $i: the reason"
  printf '%s\n' "$err" | grep -qE "tag$i\.yaml:[0-9]+:[0-9]+: " && ok || bad "tag $i: no line:col: $err"
done
# (themes: tests/unit/test_theme.c, same loader)

# 5. A FIFO where a profile, an env file or a theme should be: refused in
#    one line, never blocks (timeout turns a hang into a failure).
mkfifo "$P/fifo.yaml" "$T_TMP/env.fifo"
for args in "profile show fifo" "print socket --group 998 --env-file $T_TMP/env.fifo" \
            "print --profile fifo" "up socket --group 998 --env-file $T_TMP/env.fifo --yes --dry-run"; do
  # shellcheck disable=SC2086
  timeout 10 "$WS_BIN" $args >"$T_TMP/out" 2>"$T_TMP/err" </dev/null; rc=$?
  err=$(cat "$T_TMP/err")
  expect_rc 2 "fifo: $args"
  expect_err_has "not a regular file (fifo)" "fifo: $args: the reason"
done
# A missing env file is refused by print too (docker would fail at launch).
usage_error "missing env file" "ws-launch: --env-file: $T_TMP/nope.env: cannot read: No such file or directory" \
  print socket --group 998 --env-file "$T_TMP/nope.env"


# 6. Profiles and secrets live only in a private directory: a symlinked or
#    group/world-writable one is refused (someone who can write there could
#    plant a profile that mounts / or read the password).
export XDG_CONFIG_HOME=$T_TMP/x2
mkdir -p "$T_TMP/x2/ws-launch" "$T_TMP/elsewhere"
ln -s "$T_TMP/elsewhere" "$T_TMP/x2/ws-launch/profiles"
usage_error "symlinked profiles dir" "ws-launch: profile save: $T_TMP/x2/ws-launch/profiles is a symbolic link; profiles and secrets are kept only in a real directory (replace the link with one, mode 700)" \
  profile save p1 socket --group 998
[ -z "$(ls -A "$T_TMP/elsewhere")" ] && ok || bad "a profile was written through the link"
rm "$T_TMP/x2/ws-launch/profiles"; mkdir -m 0700 "$T_TMP/x2/ws-launch/profiles"
run profile save p1 socket --group 998
expect_rc 0 "private profiles dir"
chmod 0777 "$T_TMP/x2/ws-launch/profiles"
run print --profile p1
expect_rc 2 "world-writable profiles dir: load refused"
expect_err_has "is writable by others (mode 0777): chmod 700 $T_TMP/x2/ws-launch/profiles" "world-writable: the reason"
run profile list
expect_rc 1 "world-writable profiles dir: list refused"
chmod 0770 "$T_TMP/x2/ws-launch/profiles"
run profile show p1
expect_rc 2 "group-writable profiles dir: show refused"
chmod 0700 "$T_TMP/x2/ws-launch/profiles"
mkdir -m 0777 "$T_TMP/x2/ws-launch/secrets"
run_in 'pw' print socket --group 998 --password-stdin
expect_rc 2 "world-writable secrets dir"
expect_err_has "secrets is writable by others" "secrets dir: the reason"
[ -z "$(ls -A "$T_TMP/x2/ws-launch/secrets")" ] && ok || bad "a password was written to a world-writable dir"
