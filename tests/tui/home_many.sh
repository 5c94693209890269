#!/bin/bash
# Issue 19.5: the wizard's Home with 50 launches on daemon A (cheap ones:
# containers of the stand-in labelled as socket launches, made and removed
# here) at 80x24: all 50 are listed (the section's count), Down walks the
# selection to the last one, which scrolls into view, and back up with Up;
# each burst of keys is drawn within a generous bound (no key waits for a
# lookup: the list is refreshed on the event loop).
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/lib/tmux.sh"
P=$(uname_ hm)
N=50
ENV=(XDG_CONFIG_HOME="$XDG_CONFIG_HOME" DOCKER_HOST="$WSL_A_HOST" DOCKER_CONFIG="$DOCKER_CONFIG"
     WS_LAUNCH_SYSBOX_DIR="$WSL_SYSBOX_RUN_DIR" PATH="$PATH")
cleanup() {
  for i in $(seq -w "$N"); do DK rm -f "$P-$i" >/dev/null 2>&1; done
  t_tui_cleanup
}
trap cleanup EXIT
for i in $(seq -w "$N"); do
  DK create --name "$P-$i" --label "ws-launch.launch=$P-$i" --label ws-launch.mode=socket "$WSL_WS_IMAGE" \
    >/dev/null || bad "create $P-$i"
done
total=$(DK ps -aq --filter label=ws-launch.launch | wc -l)
tui_start 80 24 "${ENV[@]}"
tui_wait "Launches on this endpoint ($total" 15 && ok || bad "Home does not count $total launches: $(tui_raw)"
tui_wait "$P-01" 10 && ok || bad "first launch not listed: $(tui_raw)"
t0=$(date +%s%3N)
for _ in $(seq $((total + 10))); do tui_keys Down; done
tui_wait "${TUI_SEL:-›} $P-$N" 10 && ok || bad "Down did not reach the last launch: $(tui_raw)"
t1=$(date +%s%3N)
[ $((t1 - t0)) -lt 8000 ] && ok || bad "$((total + 10)) Downs took $((t1 - t0)) ms to draw"
case $(tui_raw) in *"$P-01"*) bad "the first launch is still on screen with the last selected (no scrolling)" ;; *) ok ;; esac
for _ in $(seq $((total + 10))); do tui_keys Up; done
tui_wait "$P-01" 10 && ok || bad "Up did not scroll back: $(tui_raw)"
tui_stop
