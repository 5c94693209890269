#!/bin/bash
# tests/run.sh - the whole test suite, from a fresh Debian 12 machine (root).
#
#   1. installs the build and test dependencies (Debian packages);
#   2. builds ws-launch twice: normal and ASan+UBSan;
#   3. source checks: banned calls, core/ must not include curses;
#   4. unit tests (normal, ASan+UBSan, valgrind) and CLI tests;
#   5. starts the real peers (tests/harness/up.sh: isolated dockerds, TLS,
#      sshd, registry), runs the integration and terminal tests against
#      them, and tears everything down, failing on any leftover.
#
# Environment: WS_TEST_STAGES (default "deps build static unit cli integration tui")
# selects stages; WS_BUILD_DIR (default build-test).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
STAGES=${WS_TEST_STAGES:-deps build static unit cli integration tui}
BUILD=${WS_BUILD_DIR:-$ROOT/build-test}
ASAN=$BUILD-asan
FAILED=()
has() { case " $STAGES " in *" $1 "*) return 0 ;; esac; return 1; }
step() { printf '\n==== %s\n' "$*"; }
fail() { FAILED+=("$1"); printf 'FAILED: %s\n' "$1"; }
t0=$(date +%s)

if has deps; then
  step "dependencies"
  pkgs=(build-essential cmake pkg-config clang libncurses-dev libcurl4-openssl-dev libyaml-dev
        valgrind tmux bash dash procps)
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
fi

if has build; then
  step "build"
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build "$BUILD" -j2 || { echo "build failed"; exit 1; }
  cmake -S . -B "$ASAN" -DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON >/dev/null && cmake --build "$ASAN" -j2 || { echo "ASan build failed"; exit 1; }
fi
export WS_BIN=$BUILD/ws-launch

if has static; then
  step "source checks"
  banned=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|gets|atoi|atol|strtok)\s*\(' core/*.[ch] tui/*.[ch])
  [ -z "$banned" ] || { echo "$banned"; fail "banned calls"; }
  curses=$(grep -lE '#include [<"](n?curses|ncursesw/)' core/*.[ch])
  [ -z "$curses" ] || { echo "$curses"; fail "core/ includes curses"; }
  nm -u "$BUILD/libwscore.a" 2>/dev/null | grep -qE '\b(initscr|newwin|wgetch)\b' && fail "core links curses"
fi

if has unit; then
  step "unit tests (normal build)"
  (cd "$BUILD" && ctest -L unit --output-on-failure) || fail "unit"
  step "unit tests (ASan+UBSan)"
  (cd "$ASAN" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -L unit --output-on-failure) || fail "unit-asan"
  step "unit tests (valgrind)"
  for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    WS_CASES=500 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      "$t" >/dev/null 2>"$BUILD/valgrind.log" || { cat "$BUILD/valgrind.log"; fail "valgrind $(basename "$t")"; }
  done
fi

if has cli; then
  step "CLI tests"
  (cd "$BUILD" && ctest -L cli --output-on-failure) || fail "cli"
fi

HARNESS=
stop_harness() {
  if [ -n "$HARNESS" ]; then
    step "harness down"
    tests/harness/down.sh "$HARNESS" || fail "harness leftovers"
    HARNESS=
  fi
}
trap 'stop_harness' EXIT
trap 'exit 130' INT TERM

if has integration || has tui; then
  if [ -x tests/harness/up.sh ]; then
    step "harness up"
    HARNESS=$(mktemp -d /tmp/wsl-XXXX)
    if tests/harness/up.sh "$HARNESS"; then
      export WS_PEERS_ENV=$HARNESS/peers.env
    else
      fail "harness up"
      tests/harness/down.sh "$HARNESS"; HARNESS=
    fi
  fi
fi
if has integration && [ -n "${WS_PEERS_ENV:-}" ]; then
  step "integration tests"
  (cd "$BUILD" && ctest -L integration --output-on-failure) || fail "integration"
fi
if has tui && [ -n "${WS_PEERS_ENV:-}" ]; then
  step "terminal tests"
  (cd "$BUILD" && ctest -L tui --output-on-failure) || fail "tui"
fi
stop_harness

step "done in $(( $(date +%s) - t0 )) s"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "FAILED: ${FAILED[*]}"
  exit 1
fi
echo "all tests passed"
