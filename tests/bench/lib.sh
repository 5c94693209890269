# tests/bench/lib.sh - shared by the benchmark scripts (run by hand, never in
# the test suite).  Starts the harness unless WS_PEERS_ENV is given.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WS_BIN=${WS_BIN:-$ROOT/build/ws-launch}
[ -x "$WS_BIN" ] || { echo "build first (cmake --build build) or set WS_BIN"; exit 2; }
OWN_HARNESS=
if [ -z "${WS_PEERS_ENV:-}" ]; then
  OWN_HARNESS=$(mktemp -d /tmp/wsl-XXXX)
  "$ROOT/tests/harness/up.sh" "$OWN_HARNESS" >/dev/null || { echo "harness failed"; exit 1; }
  WS_PEERS_ENV=$OWN_HARNESS/peers.env
  trap '"$ROOT/tests/harness/down.sh" "$OWN_HARNESS" >/dev/null; rm -rf "$OWN_HARNESS"' EXIT
fi
. "$WS_PEERS_ENV"
export PATH=/usr/bin:/usr/sbin:/bin:/sbin DOCKER_HOST=$WSL_A_HOST WS_LAUNCH_SYSBOX_DIR=$WSL_SYSBOX_RUN_DIR
BTMP=$(mktemp -d /tmp/ws-bench-XXXX)
export HOME=$BTMP XDG_CONFIG_HOME=$BTMP/xdg DOCKER_CONFIG=$BTMP/dc
mkdir -p "$DOCKER_CONFIG"

# stats LABEL FILE-of-ms: median, min, max, p90 in ms
stats() {
  sort -n "$2" | awk -v l="$1" '{a[NR]=$1} END {n=NR; m=(n%2)?a[(n+1)/2]:(a[n/2]+a[n/2+1])/2;
    p=a[int(n*0.9+0.5)]; printf "%-34s n=%d  median %7.1f ms  min %7.1f  max %7.1f  p90 %7.1f\n", l, n, m, a[1], a[n], p}'
}
# time_runs N LABEL CMD...: wall time of N runs (ms, one per line) into $BTMP/LABEL
time_runs() {
  local n=$1 label=$2; shift 2
  : > "$BTMP/$label"
  for _ in $(seq "$n"); do
    local t0; t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.3f\n", (b - a) / 1000000}' >> "$BTMP/$label"
  done
  stats "$label" "$BTMP/$label"
}
# peak_rss LABEL CMD...: maximum resident set size in KiB
peak_rss() {
  local label=$1; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$BTMP/time.txt"
  printf '%-34s peak RSS %s KiB\n' "$label" "$(awk -F': ' '/Maximum resident/ {print $2}' "$BTMP/time.txt")"
}
# ratio LABEL RUNS CMD-A... -- CMD-B...: wall and CPU of A as a fraction of B
ratio() {
  local label=$1 runs=$2; shift 2
  local a=() b=()
  while [ "$1" != -- ]; do a+=("$1"); shift; done; shift; b=("$@")
  local ra rb
  ra=$(python3 "$ROOT/tests/bench/measure.py" "$runs" "${a[@]}")
  rb=$(python3 "$ROOT/tests/bench/measure.py" "$runs" "${b[@]}")
  awk -v l="$label" -v a="$ra" -v b="$rb" 'BEGIN {
    split(a, x, /[= ]/); split(b, y, /[= ]/)
    printf "%-34s wall %6.2f / %6.2f ms = %.2fx   cpu %6.2f / %6.2f ms = %.2fx\n", l, x[2], y[2], x[2] / y[2], x[4], y[4], x[4] / y[4] }'
}
# private_mem LABEL CMD...: the memory CMD made itself, read from
# /proc/PID/smaps when it calls exit_group (gdb; tests/bench/smaps.py).
private_mem() {
  local label=$1; shift
  printf '%s:\n' "$label"
  gdb -q -batch -ex 'catch syscall exit_group' -ex run -ex "source $ROOT/tests/bench/smaps.py" --args "$@" 2>&1 |
    sed -n 's/^SMAPS /  /p'
}
