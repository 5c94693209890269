#!/bin/bash
# Issue 11: `upgrade` moves a launch to a newer image without losing
# anything - success (the newest release tag from the registry), failure (a
# new image that does not start) and Ctrl-C (during the new container's
# start) - with a file in /workspace surviving all three, the old container
# back under its name and running after the failures, and a profile
# updated only after success.
. "$(dirname "$0")/../lib/peers.sh"
export WS_LAUNCH_REGISTRY=$WSL_REGISTRY_URL
eq() { [ "$1" = "$2" ] && ok || bad "$3: got [$1], want [$2]"; }
n=$(uname_ upg)
port=$WSL_FREE_PORT_3
old_image=$WSL_REGISTRY/kloudkit/workspace:v0.0.21
newest=$(curl -sf "$WSL_REGISTRY_URL/v2/kloudkit/workspace/tags/list" | jq -r '.tags[]' |
  grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1)
[ -n "$newest" ] && [ "$newest" != v0.0.21 ] && ok || bad "the harness registry has no newer release ($newest)"
img() { DK inspect -f '{{.Config.Image}}' "$n" 2>/dev/null; }
cid() { DK inspect -f '{{.Id}}' "$n" 2>/dev/null; }
running() { DK inspect -f '{{.State.Running}}' "$n" 2>/dev/null; }
"$WS_BIN" profile save "$n" socket --name "$n" --volume "$n-ws" --port "$port" --socket "$WSL_A_SOCK" \
  --image "$old_image" >/dev/null 2>&1 && ok || bad "profile save"
"$WS_BIN" up --profile "$n" --pull always --yes --offline >/dev/null 2>"$T_TMP/err" && ok || bad "up: $(cat "$T_TMP/err")"
DK exec "$n" sh -c 'echo survived > /workspace/file'

# ---- failure: the new image does not start -> the old one is back, running
printf '' | tar -cf "$T_TMP/empty.tar" -T -
DK import -c 'CMD ["/no/such/server"]' "$T_TMP/empty.tar" "$WSL_REGISTRY/broken/ws:v1" >/dev/null
DK push "$WSL_REGISTRY/broken/ws:v1" >/dev/null 2>&1 && DK rmi "$WSL_REGISTRY/broken/ws:v1" >/dev/null
before=$(cid)
"$WS_BIN" upgrade --profile "$n" --image "$WSL_REGISTRY/broken/ws:v1" --yes --verify-timeout 20 \
  >"$T_TMP/out" 2>"$T_TMP/err"
eq "$?" 1 "upgrade to a broken image fails"
grep -q "the old workspace is back, running, under its name" "$T_TMP/err" && ok || bad "failure: not restored: $(cat "$T_TMP/err")"
eq "$(cid)" "$before" "failure: the same old container"
eq "$(running)" true "failure: the old container runs"
eq "$(img)" "$old_image" "failure: still the old image"
eq "$(DK exec "$n" cat /workspace/file)" survived "failure: /workspace survived"
[ -z "$(DK ps -aq --filter name=ws-launch-old)" ] && ok || bad "failure left a container aside"
grep -q "image: $old_image" "$XDG_CONFIG_HOME/ws-launch/profiles/$n.yaml" && ok || bad "failure changed the profile"

# ---- Ctrl-C while the new container starts -> rolled back, old one back
cat > "$T_TMP/slow-docker" <<'SH'
#!/bin/sh
case " $* " in *" run -d "*) sleep 60 ;; esac
exec "$WSL_DOCKER" "$@"
SH
chmod +x "$T_TMP/slow-docker"
WSL_DOCKER=$WSL_DOCKER WS_LAUNCH_DOCKER=$T_TMP/slow-docker "$WS_BIN" upgrade --profile "$n" --yes \
  >"$T_TMP/out" 2>"$T_TMP/err" &
pid=$!
for _ in $(seq 400); do pgrep -f "$T_TMP/slow-docker run -d" >/dev/null && break; sleep 0.05; done
pgrep -f "$T_TMP/slow-docker run -d" >/dev/null && ok || bad "the new container's start never began: $(cat "$T_TMP/err")"
kill -INT "$pid"
wait "$pid"
eq "$?" 130 "Ctrl-C: exit 130"
eq "$(cid)" "$before" "Ctrl-C: the same old container"
eq "$(running)" true "Ctrl-C: the old container runs"
eq "$(DK exec "$n" cat /workspace/file)" survived "Ctrl-C: /workspace survived"
[ -z "$(DK ps -aq --filter name=ws-launch-old)" ] && ok || bad "Ctrl-C left a container aside"

# ---- success: to the newest release in the registry, profile updated
LC_ALL=C "$WS_BIN" upgrade --profile "$n" --yes >"$T_TMP/out" 2>"$T_TMP/err"
eq "$?" 0 "upgrade: $(cat "$T_TMP/err")"
# what it does, in ASCII under the C locale
grep -qF "upgrade $n: $old_image -> $WSL_REGISTRY/kloudkit/workspace:$newest" "$T_TMP/err" && ok ||
  bad "upgrade's headline under LC_ALL=C: $(head -1 "$T_TMP/err")"
LC_ALL=C grep -q '[^ -~]' "$T_TMP/err" && bad "non-ASCII under LC_ALL=C: $(LC_ALL=C grep '[^ -~]' "$T_TMP/err")" || ok
eq "$(img)" "$WSL_REGISTRY/kloudkit/workspace:$newest" "upgrade: the newest release"
[ "$(cid)" != "$before" ] && ok || bad "upgrade kept the old container"
eq "$(running)" true "upgrade: runs"
eq "$(DK exec "$n" cat /workspace/file)" survived "upgrade: /workspace survived"
curl -sf --max-time 5 "http://127.0.0.1:$port/" >/dev/null && ok || bad "upgrade: web port"
[ -z "$(DK ps -aq --filter name=ws-launch-old)" ] && ok || bad "upgrade left the old container"
grep -q "image: $WSL_REGISTRY/kloudkit/workspace:$newest" "$XDG_CONFIG_HOME/ws-launch/profiles/$n.yaml" && ok ||
  bad "upgrade did not update the profile: $(cat "$XDG_CONFIG_HOME/ws-launch/profiles/$n.yaml")"
"$WS_BIN" upgrade --profile "$n" --yes >"$T_TMP/out" 2>&1
eq "$?" 0 "upgrade at the newest"
grep -q "already runs" "$T_TMP/out" && ok || bad "upgrade at the newest: $(cat "$T_TMP/out")"
# without a profile: rebuilt from the labels
"$WS_BIN" profile rm "$n" >/dev/null
"$WS_BIN" upgrade --name "$n" --image "$old_image" --yes >"$T_TMP/out" 2>"$T_TMP/err"
eq "$?" 0 "upgrade --name from labels: $(cat "$T_TMP/err")"
eq "$(img)" "$old_image" "upgrade --name: the image asked for"
eq "$(DK exec "$n" cat /workspace/file)" survived "upgrade --name: /workspace survived"
"$WS_BIN" down --name "$n" --volumes >/dev/null 2>&1
eq "$(labelled "$n")" "" "down left nothing"
