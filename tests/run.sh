#!/bin/bash
# tests/run.sh - the whole test suite, from a fresh Debian 12 machine (root).
#
#   1. installs the build and test dependencies (Debian packages);
#   2. builds ws-launch twice: normal and ASan+UBSan (each also generates
#      the man page and the shell completions);
#   3. source checks: banned calls, core/ and cli/ must not include curses;
#   4. unit tests (normal, ASan+UBSan, valgrind; with the replay of the
#      fuzz corpus), alone: they time fake daemons;
#   5. starts two harness tracks in the background, each with its own real
#      peers (tests/harness/up.sh: isolated dockerds, TLS, sshd, registry):
#      A runs the integration tests, then the terminal tests; B the
#      integration tests with the ASan+UBSan binary (asan-integration).
#      They mostly wait on daemons, so they overlap with each other and
#      with the CPU-bound stages 6-7, which run niced under them;
#   6. CLI tests, then the CLI tests again with the ASan+UBSan binary and
#      under valgrind (stages asan-cli, valgrind-cli);
#   7. fuzz: every libFuzzer harness (tests/fuzz) for WS_FUZZ_SECONDS (20)
#      under ASan+UBSan, WS_FUZZ_JOBS (2) at a time; then deb: cpack's
#      Debian package, installed with dpkg -i, checked, removed
#      (tests/package/deb.sh);
#   8. waits for the harness tracks, prints their output, tears the peers
#      down (B, then A) and fails on any leftover.
#
# Sanitizer stages fail on any report: ASan/LSan exit 97 and UBSan 96 (so
# a test expecting 1 or 2 sees it), and every report is also written under
# <build>-asan/sanitizer-logs/ (checked after each stage; the sanitizer
# build uses clang, whose UBSan honours log_path).  Valgrind stages check
# every run's memcheck log.  Each stage's duration is printed at the end.
#
# Environment: WS_TEST_STAGES (default "deps build static unit cli asan-cli
# valgrind-cli fuzz deb integration asan-integration tui") selects stages;
# WS_BUILD_DIR (default build-test); WS_FUZZ_SECONDS (default 20).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
STAGES=${WS_TEST_STAGES:-deps build static unit cli asan-cli valgrind-cli fuzz deb integration asan-integration tui}
BUILD=${WS_BUILD_DIR:-$ROOT/build-test}
ASAN=$BUILD-asan
FAILED=()
has() { case " $STAGES " in *" $1 "*) return 0 ;; esac; return 1; }
TIMES=() stage= stage_t0=
step() {
  local now; now=$(date +%s)
  [ -n "$stage" ] && TIMES+=("$(printf '%5d s  %s' $((now - stage_t0)) "$stage")")
  stage=$* stage_t0=$now
  printf '\n==== %s\n' "$*"
}
fail() { FAILED+=("$1"); printf 'FAILED: %s\n' "$1"; }
t0=$(date +%s)

if has deps; then
  step "dependencies"
  pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev libncurses-dev libcurl4-openssl-dev
        libyaml-dev libssl-dev valgrind tmux bash dash procps zsh fish groff-base file docker-compose python3-jsonschema
        lintian mandoc)
  [ -f tests/harness/PACKAGES ] && mapfile -t -O ${#pkgs[@]} pkgs < <(grep -v '^#' tests/harness/PACKAGES | grep .)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "need root to install: ${missing[*]}"; exit 2; }
    # Package scripts must not start services (docker, ssh): we start our own.
    created_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >/tmp/ws-apt.log 2>&1
    rc=$?
    [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
    [ $rc -eq 0 ] || { tail -20 /tmp/ws-apt.log; echo "apt-get failed"; exit 2; }
  fi
  # Test-only validators from npm (tests/npm: pinned, with a lock file):
  # node and npm from the machine, else from Debian.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "need root to install nodejs npm"; exit 2; }
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm; } \
      >/tmp/ws-apt-node.log 2>&1 || { tail -20 /tmp/ws-apt-node.log; echo "apt-get nodejs npm failed"; exit 2; }
  fi
  # npm ci again only when the lock file changed since the last install.
  if ! cmp -s tests/npm/package-lock.json tests/npm/node_modules/.ws-installed-lock 2>/dev/null; then
    (cd tests/npm && npm ci --no-audit --no-fund --loglevel=error >/tmp/ws-npm.log 2>&1 &&
      cp package-lock.json node_modules/.ws-installed-lock) || { tail -20 /tmp/ws-npm.log; echo "npm ci failed"; exit 2; }
  fi
fi

if has build; then
  step "build"
  # Prefix /usr: the build the "deb" stage packages (cpack installs under it).
  cmake -S . -B "$BUILD" -DWS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr >/dev/null &&
    cmake --build "$BUILD" -j2 || { echo "build failed"; exit 1; }
  # clang for the sanitizer build: its UBSan honours log_path (gcc's split
  # runtimes print to stderr only), so no report can hide in a test that
  # ignores the binary's stderr and exit status; and a second compiler's
  # warnings.
  cmake -S . -B "$ASAN" -DWS_WERROR=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON >/dev/null &&
    cmake --build "$ASAN" -j2 || { echo "ASan build failed"; exit 1; }
fi
export WS_BIN=$BUILD/ws-launch

if has static; then
  step "source checks"
  banned=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|gets|atoi|atol|strtok)\s*\(' core/*/*.[ch] cli/*.[ch] \
           tui/*.[ch] tools/*.c tests/fuzz/*.[ch])
  [ -z "$banned" ] || { echo "$banned"; fail "banned calls"; }
  # Layers (docs/ARCHITECTURE.md): only tui/ may touch curses.
  curses=$(grep -lE '#include [<"](n?curses|ncursesw/)' core/*/*.[ch] cli/*.[ch])
  [ -z "$curses" ] || { echo "$curses"; fail "core/ or cli/ includes curses"; }
  for lib in libwscore.a libwscli.a; do
    nm -u "$BUILD/$lib" 2>/dev/null | grep -qE '\b(initscr|newwin|wgetch)\b' && fail "$lib links curses"
  done
fi

# Runs "ctest ARGS..." in the ASan+UBSan build with sanitizer reports made
# fatal and distinct; fails NAME on a test failure or on any report logged.
# Each stage has its own log directory (the two tracks run at once).
asan_ctest() {
  local name=$1; shift
  local SANLOGS=$ASAN/sanitizer-logs/$name
  rm -rf "$SANLOGS"; mkdir -p "$SANLOGS"
  (cd "$ASAN" &&
    ASAN_OPTIONS=detect_leaks=1:exitcode=97:log_path=$SANLOGS/asan \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=96:log_path=$SANLOGS/ubsan \
    ctest "$@" --output-on-failure) || fail "$name"
  if [ -n "$(ls -A "$SANLOGS")" ]; then
    head -c 20000 "$SANLOGS"/*
    fail "$name: sanitizer reports"
  fi
}

# ctest_noskip NAME ARGS...: a ctest run where a skipped test (exit 77: it
# did not get the peers or a test tool) is a failure, not a pass.
ctest_noskip() {
  local name=$1 log; shift
  log=$(mktemp /tmp/ws-ctest-XXXXXX)
  (cd "$BUILD" && ctest "$@" --output-on-failure) 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "$name"
  if grep -qE '\*\*\*Skipped|Not Run' "$log"; then
    grep -E '\*\*\*Skipped|Not Run' "$log"; fail "$name: skipped tests"
  fi
  rm -f "$log"
}

# The unit tests first, alone: the runner's and the checker's tests time
# their fake daemons, and under valgrind on a loaded machine they would
# measure the load (a probe that timed out in CI).
if has unit; then
  step "unit tests (normal build)"
  (cd "$BUILD" && ctest -L unit --output-on-failure) || fail "unit"
  step "unit tests (ASan+UBSan)"
  (cd "$ASAN" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -L unit --output-on-failure) || fail "unit-asan"
  step "unit tests (valgrind)"
  # two at a time (each is one process on one core); the runner's and the
  # checker's tests time their fake daemons, so no more than the cores
  vg_unit() {
    local t=$1 args=()
    case $t in */replay_*) args=("$ROOT/tests/fuzz/corpus/${t##*/replay_}") ;; esac
    WS_CASES=500 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      "$t" "${args[@]}" >/dev/null 2>"$BUILD/valgrind.$(basename "$t").log" ||
      { cat "$BUILD/valgrind.$(basename "$t").log"; echo "$(basename "$t")" >>"$BUILD/valgrind.failed"; }
  }
  rm -f "$BUILD/valgrind.failed"
  running=0
  for t in "$BUILD"/tests/test_* "$BUILD"/tests/fuzz/replay_*; do
    [ -x "$t" ] || continue
    vg_unit "$t" &
    running=$((running + 1))
    [ "$running" -ge 2 ] && { wait -n; running=$((running - 1)); }
  done
  wait
  if [ -s "$BUILD/valgrind.failed" ]; then
    while read -r t; do fail "valgrind $t"; done <"$BUILD/valgrind.failed"
  fi
fi

# Two harness tracks, each with its own peers (tests/harness/up.sh: its own
# daemons, registry, sshd, ports and subnets), so that the integration
# tests run with both binaries at once and never see each other's
# containers: track A runs the integration tests with the normal binary,
# then the terminal tests; track B the integration tests with the
# ASan+UBSan binary, its web ports searched from 18080
# (WS_LAUNCH_WEB_PORT_FROM) so the two never race for the same free port.
# B brings its peers up after A's and takes them down first: each
# harness's leftover check then compares the host with what it saw.
HARNESS_A= HARNESS_B= A_PID= B_PID= TRACK_A= TRACK_B=
stop_harness() {
  local h
  for h in HARNESS_B HARNESS_A; do
    if [ -n "${!h}" ]; then
      step "harness down (${h#HARNESS_})"
      tests/harness/down.sh "${!h}" || fail "harness leftovers (${h#HARNESS_})"
      rm -f "${!h}.up" "${!h}.failed"
      printf -v "$h" '%s' ""
    fi
  done
}
# Ctrl-C or TERM: the harness tracks' process groups first, then the peers.
stop_track() {
  local p
  for p in "$A_PID" "$B_PID"; do
    [ -n "$p" ] && kill -TERM -- "-$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  A_PID= B_PID=
}
trap 'stop_track; stop_harness' EXIT
trap 'exit 130' INT TERM

# track_harness NAME HARNESS TRACK AFTER STAGES...: the peers (once the
# file AFTER exists, when given; then the file HARNESS/.up or .failed),
# then each stage against them; its output, times and failures in TRACK.
track_harness() {
  local name=$1 h=$2 tr=$3 after=$4 st; shift 4
  TIMES=() FAILED=() stage=
  if [ -n "$after" ]; then
    while [ ! -e "$after.up" ] && [ ! -e "$after.failed" ]; do sleep 0.2; done
  fi
  step "harness up ($name)"
  if tests/harness/up.sh "$h"; then
    touch "$h.up"
    export WS_PEERS_ENV=$h/peers.env
    for st in "$@"; do
      case $st in
        integration)
          step "integration tests"
          ctest_noskip integration -L integration ;;
        asan-integration)
          step "integration tests (ASan+UBSan binary)"
          WS_LAUNCH_WEB_PORT_FROM=18080 asan_ctest asan-integration -L integration ;;
        tui)
          step "terminal tests"
          ctest_noskip tui -L tui ;;
      esac
    done
  else
    touch "$h.failed"
    fail "harness up ($name)"
  fi
  step "harness track $name done"
  printf '%s\n' "${TIMES[@]}" >"$tr/times"
  printf '%s\n' "${FAILED[@]}" >"$tr/failed"
}
start_track() { # VAR-PREFIX NAME AFTER STAGES...
  local v=$1 name=$2 after=$3; shift 3
  local h tr
  h=$(mktemp -d /tmp/wsl-XXXX) tr=$(mktemp -d /tmp/ws-track-XXXX)
  printf -v "HARNESS_$v" '%s' "$h"
  printf -v "TRACK_$v" '%s' "$tr"
  set -m   # the track in a process group of its own (stop_track)
  track_harness "$name" "$h" "$tr" "$after" "$@" >"$tr/log" 2>&1 &
  printf -v "${v}_PID" '%s' "$!"
  set +m
  printf '\n==== harness track %s started in the background (pid %s, log %s)\n' "$name" "$!" "$tr/log"
}
if has integration || has asan-integration || has tui; then
  if [ ! -x tests/harness/up.sh ]; then
    fail "no harness (tests/harness/up.sh)"
  else
    a_stages=() b_stages=()
    has integration && a_stages+=(integration)
    has tui && a_stages+=(tui)
    has asan-integration && b_stages+=(asan-integration)
    [ ${#a_stages[@]} -gt 0 ] && start_track A A "" "${a_stages[@]}"
    [ ${#b_stages[@]} -gt 0 ] && start_track B B "${HARNESS_A:-}" "${b_stages[@]}"
  fi
fi
# The CPU-bound stages yield to the harness track (its daemons included).
renice -n 10 $$ >/dev/null 2>&1


if has cli; then
  step "CLI tests"
  ctest_noskip cli -L '^cli$' -j2
fi
if has asan-cli; then
  step "CLI tests (ASan+UBSan binary)"
  asan_ctest asan-cli -L '^cli$' -j2
fi
if has valgrind-cli; then
  # Label "valgrind": the CLI tests with WS_BIN = <build>/valgrind-ws-launch
  # (exceptions: WS_VALGRIND_SKIP in tests/CMakeLists.txt).
  step "CLI tests (valgrind)"
  vglogs=$BUILD/valgrind-logs
  rm -rf "$vglogs"
  # -j3: memcheck runs are short processes between the scripts' own
  # (bash, jq, node) work, so a third keeps both cores busy
  (cd "$BUILD" && WS_VALGRIND_LOGS=$vglogs ctest -L '^valgrind$' -j3 --output-on-failure) || fail "valgrind-cli"
  runs=$(find "$vglogs" -name 'vg.*.log' 2>/dev/null | wc -l)
  # valgrind 3.19 does not know pidfd_open (434; proc.c falls back to a
  # short tick when it fails): its five-line notice is not a report.
  for f in "$vglogs"/vg.*.log; do
    [ -s "$f" ] || continue
    grep -v -e 'unhandled amd64-linux syscall: 434' -e 'You may be able to write your own handler' \
      -e 'README_MISSING_SYSCALL_OR_IOCTL' -e 'Nevertheless we consider this a bug' \
      -e 'valgrind.org/support/bug_reports.html' "$f" >"$f.kept"
    mv "$f.kept" "$f"
  done
  reports=$(find "$vglogs" -name 'vg.*.log' -size +0 2>/dev/null)
  echo "valgrind: $runs runs of ws-launch"
  [ "$runs" -gt 0 ] || fail "valgrind-cli: ws-launch never ran under valgrind"
  if [ -n "$reports" ]; then
    head -c 20000 $reports
    fail "valgrind-cli: memcheck reports"
  fi
fi
if has fuzz; then
  step "fuzz (${WS_FUZZ_SECONDS:-20} s per harness, two at a time)"
  WS_FUZZ_JOBS=${WS_FUZZ_JOBS:-2} WS_FUZZ_BUILD=$BUILD-fuzz tests/fuzz/run.sh "${WS_FUZZ_SECONDS:-20}" || fail "fuzz"
fi
if has deb; then
  step "Debian package"
  rm -f "$BUILD"/ws-launch_*.deb
  if (cd "$BUILD" && cpack -G DEB >cpack.log 2>&1); then
    bash tests/package/deb.sh "$BUILD"/ws-launch_*.deb || fail "deb"
  else
    tail -20 "$BUILD/cpack.log"; fail "deb: cpack"
  fi
fi

for v in A B; do
  pid_var=${v}_PID tr_var=TRACK_$v
  [ -n "${!pid_var}" ] || continue
  step "waiting for harness track $v"
  wait "${!pid_var}" || true
  printf -v "$pid_var" '%s' ""
  printf '\n==== harness track %s (its output)\n' "$v"
  cat "${!tr_var}/log"
  mapfile -t -O ${#TIMES[@]} TIMES < <(sed "s/^/  [track $v] /" "${!tr_var}/times" 2>/dev/null)
  [ -s "${!tr_var}/failed" ] && mapfile -t -O ${#FAILED[@]} FAILED < <(grep . "${!tr_var}/failed")
  [ -s "${!tr_var}/times" ] || fail "harness track $v ended without its report (see above)"
  rm -rf "${!tr_var}"
done
stop_harness

step "done in $(( $(date +%s) - t0 )) s"
printf '%s\n' "${TIMES[@]}"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "FAILED: ${FAILED[*]}"
  exit 1
fi
echo "all tests passed"
