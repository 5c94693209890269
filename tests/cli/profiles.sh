#!/bin/bash
# Profiles through the CLI: save, show, list, print --profile, rm; bad files
# give exit 2 with file:line:col; overwrite needs --force.
. "$(dirname "$0")/../lib/assert.sh"
needs jq jq
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"
P=$XDG_CONFIG_HOME/ws-launch/profiles

# every mode of the table, with the example options its row gives
MODES=$("$WS_BIN" modes --json | jq -r '.[].id')
declare -A ARGS=()
for m in $MODES; do
  ARGS[$m]="$m $("$WS_BIN" modes --json | jq -r --arg m "$m" '.[] | select(.id == $m) | .example // ""')"
done
for m in $MODES; do
  [ "${ARGS[$m]}" != "$m " ] || { bad "mode $m has no example in its row"; continue; }
  # shellcheck disable=SC2086
  run profile save "p-$m" ${ARGS[$m]}
  expect_rc 0 "save $m"
  expect_err_has "saved profile p-$m" "save $m"
  [ "$(stat -c %a "$P/p-$m.yaml")" = 600 ] && ok || bad "$m: file mode"
  # shellcheck disable=SC2086
  run print ${ARGS[$m]} --pull never
  direct=$out
  run print --profile "p-$m" --pull never
  expect_rc 0 "print --profile p-$m"
  expect_out "$direct" "print --profile p-$m equals print with the same options"
  run profile show "p-$m"
  expect_out_has "mode: $m" "show $m"
done
[ "$(stat -c %a "$P")" = 700 ] && ok || bad "profiles dir mode"

run profile list
expect_rc 0 "list"
want_list=$(for m in $MODES; do echo "p-$m=$m"; done | sort | tr '\n' ' ')
[ "$(printf '%s\n' "$out" | tail -n +2 | awk '{print $1 "=" $2}' | tr '\n' ' ')" = "$want_list" ] && ok || bad "list: $out"

# Flags override the profile.
run print --profile p-sysbox --port 9100 --pull never
expect_out_has "-p 127.0.0.1:9100:8080" "override"
expect_out_has "--name sb-ws" "override keeps the rest"

# Overwrite needs --force (or --profile of the same name).
cp "$P/p-sysbox.yaml" "$T_TMP/before"
usage_error "overwrite" "ws-launch: profile save: profile p-sysbox exists; use --force to replace it" profile save p-sysbox sysbox
cmp -s "$P/p-sysbox.yaml" "$T_TMP/before" && ok || bad "refused overwrite changed the file"
run profile save p-sysbox --profile p-sysbox --port 9200
expect_rc 0 "edit in place"
grep -q 'publish: 127.0.0.1:9200:8080' "$P/p-sysbox.yaml" && grep -q 'name: sb-ws' "$P/p-sysbox.yaml" && ok || bad "edit in place lost options"
run profile save p-sysbox sysbox --force
expect_rc 0 "--force"
usage_error "mode mismatch" "ws-launch: --profile: p-tcp is a tcp profile, not socket" print socket --profile p-tcp

# Bad files: exit 2, one line with file:line:col.
badfile() {
  local name=$1 want=$2; shift 2
  printf "$@" > "$P/$name.yaml"
  usage_error "bad profile $name" "ws-launch: --profile: $P/$name.yaml:$want" print --profile "$name"
}
badfile syntax "3:1: did not find expected ',' or ']' while parsing a flow sequence" 'version: 1\nmode: [sysbox\n'
badfile unknown-key "3:1: unknown key 'colour'" 'version: 1\nmode: sysbox\ncolour: red\n'
badfile wrong-type "3:7: name: expected a string, got a mapping" 'version: 1\nmode: sysbox\nname: {a: 1}\n'
badfile unknown-mode "2:7: mode: unknown mode 'vm' (one of $("$WS_BIN" modes --json | jq -r '[.[].id] | join(", ")'))" 'version: 1\nmode: vm\n'
badfile bad-value "4:9: tcp.host: 'not a host' is not a valid host name (letters, digits, '-' and '.' only)" 'version: 1\nmode: tcp\ntcp:\n  host: not a host\n'
badfile future "1:10: version: written by a newer ws-launch (version 3); this one reads version 1" 'version: 3\nmode: sysbox\n'
badfile empty "1:1: empty profile, expected a mapping starting with 'version: 1'" ''
badfile binary "1:1: binary data (NUL byte), not YAML text" '\177ELF\002\001\001\000\000'
head -c 70000 /dev/zero | tr '\0' 'a' > "$P/huge.yaml"
usage_error "huge profile" "ws-launch: --profile: $P/huge.yaml: too large (70000 bytes, max 65536)" print --profile huge
ln -s /dev/zero "$P/dev.yaml"
usage_error "device profile" "ws-launch: --profile: $P/dev.yaml: cannot read: not a regular file (character device)" print --profile dev
run profile list
expect_rc 1 "list with broken files"
printf '%s\n' "$out" | grep -qE '^syntax +\(broken\)' && ok || bad "broken not listed: $out"
expect_err_has "$P/syntax.yaml:3:1:" "list names the broken file"

run profile rm p-tcp
expect_rc 0 "rm"
[ ! -e "$P/p-tcp.yaml" ] && ok || bad "rm left the file"
usage_error "rm twice" "ws-launch: profile rm: no profile named p-tcp; see 'ws-launch profile list'" profile rm p-tcp
