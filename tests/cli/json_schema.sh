#!/bin/bash
# Typed, documented JSON: every `check --json` and `print --format json`
# validates against its shipped schema (schemas/*.schema.json): booleans and
# numbers are JSON booleans and numbers, and an endpoint that cannot be
# resolved is an object carrying the error, never a bare null.
. "$(dirname "$0")/../lib/assert.sh"
needs "jq python3-jsonschema" jq python3
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_TLS
mkdir -p "$HOME"
J=$T_TMP/out.json
# A unix socket with a known group, so the local checks have data to type.
/usr/bin/python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T_TMP/d.sock"
export DOCKER_HOST=unix://$T_TMP/d.sock
"$WS_BIN" check socket --json --offline >"$J" 2>/dev/null
schema_ok check.schema.json "$J" "check socket"
[ "$(jq -r '.checks[] | select(.id=="socket.gid") | .data.gid | type' "$J")" = number ] && ok || bad "socket.gid data.gid is not a number: $(cat "$J")"
[ "$(jq -r '.checks[] | select(.id=="port") | .data.port | type' "$J")" = number ] && ok || bad "port data.port is not a number"
[ "$(jq -r '.checks[0].needs_input | type' "$J")" = boolean ] && ok || bad "needs_input is not a boolean"
[ "$(jq -r '.endpoint | type' "$J")" = object ] && ok || bad "endpoint is not an object"
[ "$(jq -r '.endpoint.url' "$J")" = "unix://$T_TMP/d.sock" ] && ok || bad "endpoint.url: $(jq -c .endpoint "$J")"
[ "$(jq -r '.endpoint.source' "$J")" = DOCKER_HOST ] && ok || bad "endpoint.source"
"$WS_BIN" check --json --offline >"$J" 2>/dev/null
schema_ok check.schema.json "$J" "check (all modes)"
# Resolution fails: still an object, with the error.
DOCKER_HOST=bogus:// "$WS_BIN" check socket --json --offline >"$J" 2>/dev/null
schema_ok check.schema.json "$J" "check, endpoint unresolvable"
[ "$(jq -r '.endpoint.url' "$J")" = null ] && ok || bad "unresolvable: url"
case $(jq -r '.endpoint.error' "$J") in *"DOCKER_HOST"*bogus*) ok ;; *) bad "unresolvable: error: $(jq -c .endpoint "$J")" ;; esac
# print --format json of every mode.
for args in "sysbox" "privileged" "socket --group 998" "tcp --host 10.0.0.5 --tls --cert-dir /etc/certs" \
            "ssh --host build.example --ssh-user dev --ssh-auth none --known-hosts none" "dind" "dind --minimal"; do
  # shellcheck disable=SC2086
  "$WS_BIN" print $args --format json >"$J" 2>/dev/null
  schema_ok print.schema.json "$J" "print $args"
done
# The schemas themselves reject the old, untyped form.
printf '%s' '{"version":1,"endpoint":null,"checks":[],"modes":[],"recommended":null}' >"$T_TMP/old.json"
/usr/bin/python3 "$WS_SOURCE_DIR/tests/lib/schema-check.py" "$WS_SOURCE_DIR/schemas/check.schema.json" "$T_TMP/old.json" >/dev/null \
  && bad "the check schema accepts endpoint: null" || ok
