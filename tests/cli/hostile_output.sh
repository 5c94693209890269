#!/bin/bash
# Hostile input never reaches the terminal: against a fake Engine API whose
# every string carries CSI/OSC/BEL, a C1 control and invalid UTF-8
# (tests/fake/hostile-engine.sh behind socat), `check`, `check --json`,
# `print` and `up` write no raw control byte (but newline) and only valid
# UTF-8; --json stays valid JSON and escapes them.
. "$(dirname "$0")/../lib/assert.sh"
needs "curl jq socat" curl jq socat
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc TERM=xterm
unset NO_COLOR DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$HOME"
command -v socat >/dev/null && ok || { bad "socat is not installed"; exit 1; }
sock=$T_TMP/engine.sock
socat UNIX-LISTEN:"$sock",fork EXEC:"bash $WS_SOURCE_DIR/tests/fake/hostile-engine.sh" 2>/dev/null &
spid=$!
trap 'kill $spid 2>/dev/null; wait $spid 2>/dev/null; t_cleanup' EXIT
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
export DOCKER_HOST=unix://$sock
# clean FILE DESC: no C0 control but \n (and \t), no DEL, no C1, valid UTF-8.
clean() {
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; then bad "$2: raw control bytes: $(cat -v "$1" | head -5)"; else ok; fi
  if iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then ok; else bad "$2: invalid UTF-8: $(cat -v "$1" | head -3)"; fi
  if grep -q $'\xc2[\x80-\x9f]' "$1"; then bad "$2: C1 control characters"; else ok; fi
}
# The fake really is hostile (the test would prove nothing otherwise).
curl -s --unix-socket "$sock" http://x/v1.41/info | grep -q 'u001b\[2J' && ok || bad "the fake engine does not answer"

"$WS_BIN" check socket --group 1 >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
clean "$T_TMP/out" "check stdout"; clean "$T_TMP/err" "check stderr"
grep -q "engine" "$T_TMP/out" && ok || bad "check printed no engine line: $(cat -v "$T_TMP/out")"
"$WS_BIN" check --json >"$T_TMP/json" 2>"$T_TMP/err" </dev/null
clean "$T_TMP/json" "check --json"; clean "$T_TMP/err" "check --json stderr"
jq -e . "$T_TMP/json" >/dev/null && ok || bad "check --json is not JSON"
schema_ok check.schema.json "$T_TMP/json" "hostile check --json"
"$WS_BIN" print socket --group 1 >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
clean "$T_TMP/out" "print stdout"; clean "$T_TMP/err" "print stderr"
"$WS_BIN" up socket --group 1 --yes --force --offline --name hostile-t >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
clean "$T_TMP/out" "up stdout"; clean "$T_TMP/err" "up stderr"
[ -s "$T_TMP/err" ] && ok || bad "up said nothing"
"$WS_BIN" down --name hostile-t --volumes >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
clean "$T_TMP/out" "down stdout"; clean "$T_TMP/err" "down stderr"
