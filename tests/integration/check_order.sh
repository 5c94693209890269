#!/bin/bash
# The image check waits for both of its answers, whichever comes first: the
# registry's newest tag and the engine's "is the image present" (asked only
# once /_ping has answered).  A proxy in front of daemon A delays every
# connection by 0.5 s, so the registry always answers first; the check used
# to end right then with "presence unknown" (seen only under ASan's timing
# until this test).
. "$(dirname "$0")/../lib/peers.sh"
J=$T_TMP/out.json
sock=$T_TMP/slow.sock
printf '#!/bin/sh\nsleep 0.5\nexec socat - "UNIX-CONNECT:%s"\n' "$WSL_A_SOCK" >"$T_TMP/slow.sh"
chmod +x "$T_TMP/slow.sh"
socat UNIX-LISTEN:"$sock",fork EXEC:"$T_TMP/slow.sh" 2>/dev/null & spid=$!
trap 'kill $spid 2>/dev/null; wait $spid 2>/dev/null; t_cleanup' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
[ -S "$sock" ] && ok || bad "the delaying proxy did not start"

field() { jq -r --arg id "$1" --arg f "$2" '.checks[] | select(.id==$id) | .[$f] // empty' "$J"; }
data() { jq -r --arg id "$1" --arg k "$2" '.checks[] | select(.id==$id) | .data[$k] | select(. != null)' "$J"; }

for run in 1 2; do
  t0=$(date +%s%N)
  DOCKER_HOST=unix://$sock "$WS_BIN" check sysbox --registry "$WSL_REGISTRY_URL" --json >"$J" 2>"$T_TMP/err"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$(field engine status)" = pass ] && ok || bad "run $run: engine through the proxy: $(field engine finding)"
  [ "$ms" -ge 500 ] && ok || bad "run $run: took $ms ms: the proxy did not delay"
  [ "$(data image present)" = true ] && ok || bad "run $run: image present: [$(data image present)] ($(field image finding))"
  [ "$(data image newest)" = "$WSL_WS_NEWEST_TAG" ] && ok || bad "run $run: newest tag: [$(data image newest)]"
  case $(field image finding) in "present locally; newer tag $WSL_WS_NEWEST_TAG"*) ok ;;
    *) bad "run $run: finding: $(field image finding)" ;; esac
done
