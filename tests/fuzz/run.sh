#!/bin/bash
# tests/fuzz/run.sh [SECONDS] [HARNESS...] - build the libFuzzer harnesses
# (clang, WS_FUZZ=ON: ASan+UBSan+coverage) and run each for SECONDS
# (default 25), starting from the committed corpus tests/fuzz/corpus/NAME.
#
#   tests/fuzz/run.sh              # 25 s each (./tests/run.sh: 20 s, two at a time)
#   tests/fuzz/run.sh 1800         # the long run: 30 min per harness
#   tests/fuzz/run.sh 600 jdoc     # one harness
#
# New inputs go to a scratch corpus ($WS_FUZZ_OUT/corpus/NAME), never into
# the repository; WS_FUZZ_MERGE=1 afterwards merges the ones that add
# coverage into tests/fuzz/corpus/NAME (review them before committing).
# tests/fuzz/dict/NAME.dict, when present, is the harness's dictionary.
# A crash, leak, UB report, timeout or failed property stops that harness,
# saves the input as $WS_FUZZ_OUT/artifacts/NAME/crash-* and makes the
# script exit 1, printing how to reproduce it.  Add the input to
# tests/fuzz/corpus/NAME once fixed: every build replays the corpus
# (ctest -R fuzz_corpus_).
#
# Environment: WS_FUZZ_BUILD (build dir, default build-fuzz),
# WS_FUZZ_OUT (scratch dir, default $WS_FUZZ_BUILD/run), WS_FUZZ_JOBS
# (harnesses run in parallel, default 1).
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
SECONDS_EACH=${1:-25}
shift || true
case $SECONDS_EACH in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 2 ;; esac
BUILD=${WS_FUZZ_BUILD:-$ROOT/build-fuzz}
OUT=${WS_FUZZ_OUT:-$BUILD/run}
JOBS=${WS_FUZZ_JOBS:-1}

command -v clang >/dev/null || { echo "fuzz: clang is not installed" >&2; exit 2; }
cmake -S . -B "$BUILD" -DWS_WERROR=ON -DCMAKE_C_COMPILER=clang -DWS_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
  cmake --build "$BUILD" -j"$(nproc)" >"$BUILD.log" 2>&1 || { tail -30 "$BUILD.log"; echo "fuzz: build failed" >&2; exit 1; }

if [ $# -gt 0 ]; then names=("$@"); else
  names=(); for f in tests/fuzz/fuzz_*.c; do n=${f##*/fuzz_}; names+=("${n%.c}"); done
fi

# Crash reports must fail the run; leaks count (detect_leaks), UB aborts.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local name=$1 bin=$BUILD/tests/fuzz/fuzz_$1
  local work=$OUT/corpus/$1 art=$OUT/artifacts/$1 log=$OUT/$1.log
  [ -x "$bin" ] || { echo "fuzz $name: no harness $bin"; return 1; }
  [ -d "tests/fuzz/corpus/$name" ] || { echo "fuzz $name: no seed corpus tests/fuzz/corpus/$name"; return 1; }
  rm -rf "$art"; mkdir -p "$work" "$art"
  local t0=$(date +%s)
  local dict=()
  [ -f "tests/fuzz/dict/$name.dict" ] && dict=(-dict="tests/fuzz/dict/$name.dict")
  "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$art/" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
  local rc=$? t=$(( $(date +%s) - t0 ))
  local stats
  stats=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$')
  local cov
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  if [ $rc -ne 0 ] || ls "$art"/* >/dev/null 2>&1; then
    echo "fuzz $name: FAILED after ${t}s (exit $rc)"
    grep -E 'ERROR|property failed|runtime error|SUMMARY|Test unit written' "$log" | head -20
    local crash; crash=$(ls "$art"/* 2>/dev/null | head -1)
    [ -n "$crash" ] && echo "  reproduce: $bin $crash"
    echo "  full log: $log"
    return 1
  fi
  echo "fuzz $name: ok, ${stats:-?} runs in ${t}s, ${cov:-no coverage line}, corpus $(ls "$work" | wc -l) new"
  if [ "${WS_FUZZ_MERGE:-0}" = 1 ]; then
    "$bin" -merge=1 "tests/fuzz/corpus/$name" "$work" >>"$log" 2>&1 && echo "  merged into tests/fuzz/corpus/$name"
  fi
}

# Each harness records its outcome in $OUT/NAME.status (parallel runs too).
run_and_record() {
  if run_one "$1"; then echo ok >"$OUT/$1.status"; else echo failed >"$OUT/$1.status"; fi
}
mkdir -p "$OUT"
for n in "${names[@]}"; do rm -f "$OUT/$n.status"; done
if [ "$JOBS" -gt 1 ]; then
  for n in "${names[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run_and_record "$n" &
  done
  wait
else
  for n in "${names[@]}"; do run_and_record "$n"; done
fi
failed=0
for n in "${names[@]}"; do
  [ "$(cat "$OUT/$n.status" 2>/dev/null)" = ok ] || failed=1
done
exit $failed
