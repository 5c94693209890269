# tests/lib/assert.sh - shared helpers for script tests (bash).
# Every check counts; the script's exit status is non-zero if any failed.
# A test that runs no check fails.
set -u
T_PASS=0 T_FAIL=0
: "${WS_BIN:?WS_BIN must point at the ws-launch binary}"
T_TMP=$(mktemp -d /tmp/ws-test-XXXXXX)
# needs "PACKAGES" TOOL...: skip the test (exit 77, ctest's SKIP_RETURN_CODE)
# with the reason when a tool is missing, as on a machine that has only the
# README's build packages; ./tests/run.sh installs them all and fails on
# any skip.
needs() {
  local pkgs=$1 t miss=(); shift
  for t; do command -v "$t" >/dev/null 2>&1 || miss+=("$t"); done
  [ ${#miss[@]} -eq 0 ] && return 0
  echo "SKIP: $(basename "$0") needs ${miss[*]} (apt-get install $pkgs)"
  trap - EXIT; rm -rf "$T_TMP"; exit 77
}
trap 't_cleanup' EXIT
# the valgrind label's runs (WS_BIN is the memcheck wrapper) need valgrind
case $WS_BIN in */valgrind-ws-launch) needs valgrind valgrind ;; esac
t_cleanup() { rm -rf "$T_TMP"; t_summary; }
t_summary() {
  echo "$(basename "$0"): $T_PASS passed, $T_FAIL failed"
  [ $((T_PASS + T_FAIL)) -gt 0 ] || { echo "no checks ran"; exit 1; }
  [ "$T_FAIL" -eq 0 ] || exit 1
}
ok()  { T_PASS=$((T_PASS + 1)); }
bad() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }

# run ARGS...: runs ws-launch, sets $rc, $out (stdout) and $err (stderr).
run() {
  "$WS_BIN" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
  rc=$?
  out=$(cat "$T_TMP/out"); err=$(cat "$T_TMP/err")
}
# run_in INPUT ARGS...: same with stdin.
run_in() {
  local input=$1; shift
  printf '%s' "$input" | "$WS_BIN" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
  rc=$?
  out=$(cat "$T_TMP/out"); err=$(cat "$T_TMP/err")
}
expect_rc() { [ "$rc" -eq "$1" ] && ok || bad "$2: exit $rc, want $1 (stderr: $err)"; }
expect_out() { [ "$out" = "$1" ] && ok || bad "$2: stdout differs:
--- got
$out
--- want
$1"; }
expect_out_has() { case $out in *"$1"*) ok ;; *) bad "$2: stdout lacks [$1]: $out" ;; esac; }
expect_err_has() { case $err in *"$1"*) ok ;; *) bad "$2: stderr lacks [$1]: $err" ;; esac; }
# usage_error DESC EXPECTED-STDERR ARGS...: exit 2, exactly one stderr line
# equal to EXPECTED (when non-empty), nothing on stdout.
usage_error() {
  local desc=$1 want=$2; shift 2
  run "$@"
  expect_rc 2 "$desc"
  [ -z "$out" ] && ok || bad "$desc: stdout not empty: $out"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && ok || bad "$desc: stderr is not one line: $err"
  case $err in "ws-launch: "*) ok ;; *) bad "$desc: stderr does not start with 'ws-launch: ': $err" ;; esac
  if [ -n "$want" ]; then [ "$err" = "$want" ] && ok || bad "$desc: stderr
  got:  $err
  want: $want"; fi
}
# schema_ok SCHEMA FILE DESC: FILE (JSON) validates against schemas/SCHEMA
# (tests/lib/schema-check.py, Debian's python3-jsonschema).
schema_have() {
  [ -n "${SCHEMA_HAVE:-}" ] && return 0
  if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    echo "SKIP: $(basename "$0") needs python3-jsonschema (apt-get install python3-jsonschema)"
    trap - EXIT; rm -rf "$T_TMP"; exit 77
  fi
  SCHEMA_HAVE=1
}
schema_ok() {
  local res
  schema_have
  if res=$(/usr/bin/python3 "$WS_SOURCE_DIR/tests/lib/schema-check.py" "$WS_SOURCE_DIR/schemas/$1" "$2" 2>&1); then ok
  else bad "$3: $2 does not validate against $1: $res"; fi
}
# schema_later SCHEMA FILE: queue FILE (kept until schema_flush) for one
# validation run; schema_flush SCHEMA: validates every queued file in one
# python process, one check per file, naming each file that fails.
SCHEMA_QUEUE=()
schema_later() { schema_have; SCHEMA_QUEUE+=("$2"); }
schema_flush() {
  local res f
  [ ${#SCHEMA_QUEUE[@]} -gt 0 ] || return 0
  res=$(/usr/bin/python3 "$WS_SOURCE_DIR/tests/lib/schema-check.py" "$WS_SOURCE_DIR/schemas/$1" "${SCHEMA_QUEUE[@]}" 2>&1)
  for f in "${SCHEMA_QUEUE[@]}"; do
    case $res in *"$f:"*) bad "$f does not validate against $1: $(printf '%s\n' "$res" | grep -F "$f:")" ;; *) ok ;; esac
  done
  SCHEMA_QUEUE=()
}
