#!/bin/bash
# tests/bench/ps.sh - `ws-launch ps` over 20 and 50 launches on the harness's
# daemon A, with the docker-inside probes (one Engine API exec each, all at
# once) and without (--no-probe), next to `docker ps -a --filter
# label=ws-launch.launch` on the same daemon; all --offline (no registry).
# Wall and CPU time (the command's own user+system, not the daemon's),
# medians of RUNS runs (tests/bench/measure.py).  The launches are cheap:
# running containers of the stand-in image labelled as socket launches (the
# socket mounted, so the probe reaches a daemon), made and removed here.
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-10}
P=bps$$
made=0
mk() {
  while [ "$made" -lt "$1" ]; do
    made=$((made + 1))
    /usr/bin/docker run -d --name "$P-$made" --label "ws-launch.launch=$P-$made" --label ws-launch.mode=socket \
      -v "$WSL_A_SOCK:/var/run/docker.sock" --group-add "$WSL_A_SOCK_GID" "$WSL_WS_IMAGE" >/dev/null ||
      echo "run $P-$made failed"
  done
}
line() { printf '%-44s %s\n' "$1" "$(python3 "$ROOT/tests/bench/measure.py" "$RUNS" "${@:2}")"; }
for n in 20 50; do
  mk "$n"
  sleep 2
  echo "$n launches: $("$WS_BIN" ps --offline --json | jq -r '[.[] | select(.name | startswith("'"$P"'")) | .docker] | group_by(.) | map("\(.[0]) \(length)") | join(", ")')"
  line "ws-launch ps ($n, probes)" "$WS_BIN" ps --offline
  line "ws-launch ps --no-probe ($n)" "$WS_BIN" ps --offline --no-probe
  line "docker ps --filter label=... ($n)" /usr/bin/docker ps -a --filter label=ws-launch.launch
done
for i in $(seq "$made"); do /usr/bin/docker rm -f "$P-$i" >/dev/null 2>&1; done
rm -rf "$BTMP"
