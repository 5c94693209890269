#!/bin/bash
# tests/cli/mode_shape.sh - every row of the modes table has the shape of
# docs/ARCHITECTURE.md "Adding a mode": its file core/launch/mode_<id>.c,
# checks of its own besides the common ones, an example launch that prints
# and exports (Compose, Kubernetes), and an `up` case in the integration
# suite.  A mode without a MODE_ name (core/launch/mode_id.h) keeps all its
# knowledge in its file: no other C file of core/, cli/ or tui/ names it
# but the modes table.
. "$(dirname "$0")/../lib/assert.sh"
SRC=${WS_SOURCE_DIR:?}
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"
needs jq jq

"$WS_BIN" modes --json >"$T_TMP/modes.json" && ok || bad "modes --json failed"
modes=$(jq -r '.[].id' "$T_TMP/modes.json")
[ "$(echo "$modes" | wc -w)" -ge 7 ] && ok || bad "fewer modes than expected: $modes"
common="cli engine endpoint image names port"
for m in $modes; do
  [ -f "$SRC/core/launch/mode_$m.c" ] && ok || bad "mode $m: no core/launch/mode_$m.c"
  own=$(jq -r --arg m "$m" '.[] | select(.id == $m) | .checks[]' "$T_TMP/modes.json" |
        grep -vxF -f <(tr ' ' '\n' <<<"$common") | wc -l)
  [ "$own" -ge 1 ] && ok || bad "mode $m: no checks of its own"
  example=$(jq -r --arg m "$m" '.[] | select(.id == $m) | .example // ""' "$T_TMP/modes.json")
  [ -n "$example" ] && ok || bad "mode $m: no example in its row"
  for fmt in shell compose kube; do
    # shellcheck disable=SC2086
    run print "$m" $example --pull never --format "$fmt"
    expect_rc 0 "print $m --format $fmt"
    [ -n "$out" ] && ok || bad "print $m --format $fmt: nothing printed"
  done
  grep -qE "(up_mode|\"\\\$WS_BIN\" up|ws-launch up) \"?$m\b" "$SRC"/tests/integration/*.sh && ok ||
    bad "mode $m: no 'up $m' case in tests/integration/"
  if ! grep -q "MODE_${m^^}\b" "$SRC/core/launch/mode_id.h"; then
    others=$(grep -rliw -- "$m" "$SRC/core" "$SRC/cli" "$SRC/tui" --include='*.c' --include='*.h' |
             sed "s|^$SRC/||" | grep -vx -e "core/launch/mode_$m.c" -e core/launch/modes.c)
    [ -z "$others" ] && ok || bad "mode $m is named outside its file and the modes table: $others"
  fi
done
