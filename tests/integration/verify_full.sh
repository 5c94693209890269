#!/bin/bash
# Issue 22.4: `up --verify full` pulls a small image with the inner daemon, from the harness registry (as an
# insecure registry, or as the mirror of Docker Hub names), and runs a container of it inside; the progress says
# so and through what; the image is then in the inner daemon and no test container is left there. An image the
# registry does not have fails verification at the pull, with the daemon's line, and rolls back (nothing labelled
# left). Privileged, then dind (the sidecar's daemon pulls). It prints how long quick and full took.
. "$(dirname "$0")/../lib/peers.sh"
port=$WSL_FREE_PORT_1
# The harness registry listens on 127.0.0.1 only: a forwarder of this test on A's bridge IP is how the inner
# daemons (in containers of A) reach it.
fwd=$WSL_FREE_PORT_2
setsid socat "TCP-LISTEN:$fwd,bind=$WSL_A_BRIDGE_IP,reuseaddr,fork" "TCP:$WSL_REGISTRY" 2>/dev/null & fwd_pid=$!
trap 'kill -- -"$fwd_pid" 2>/dev/null; wait "$fwd_pid" 2>/dev/null; t_cleanup' EXIT
reg=$WSL_A_BRIDGE_IP:$fwd
mirror=http://$reg
for _ in $(seq 50); do curl -sf --max-time 1 -o /dev/null "$mirror/v2/" && break; sleep 0.1; done
curl -sf --max-time 1 -o /dev/null "$mirror/v2/" && ok || bad "the forwarder $mirror does not reach the registry"

# push_tiny REPO TAG: a one-layer image of the static busybox (/bin/true -> busybox) into the harness registry
# through its HTTP API (as tests/harness/publish.sh does), about 1 MB.
push_tiny() {
  local repo=$1 tag=$2 d=$T_TMP/tiny url=$WSL_REGISTRY_URL f dg loc sep
  mkdir -p "$d/root/bin"
  cp /usr/bin/busybox "$d/root/bin/busybox" && ln -sf busybox "$d/root/bin/true" && ln -sf busybox "$d/root/bin/sh"
  tar -C "$d/root" --owner=0 --group=0 --numeric-owner -cf "$d/layer.tar" bin
  gzip -1 -c "$d/layer.tar" >"$d/layer.tar.gz"
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(sha256sum "$d/layer.tar" | cut -c1-64)" >"$d/config.json"
  for f in "$d/layer.tar.gz" "$d/config.json"; do
    dg=sha256:$(sha256sum "$f" | cut -c1-64)
    loc=$(curl -sf -o /dev/null -D - -X POST "$url/v2/$repo/blobs/uploads/" | tr -d '\r' |
          awk 'tolower($1) == "location:" {print $2}')
    case $loc in /*) loc=$url$loc ;; esac
    sep='?'; case $loc in *\?*) sep='&' ;; esac
    curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T "$f" "$loc${sep}digest=$dg" || return 1
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%s,"digest":"sha256:%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%s,"digest":"sha256:%s"}]}' \
    "$(stat -c %s "$d/config.json")" "$(sha256sum "$d/config.json" | cut -c1-64)" \
    "$(stat -c %s "$d/layer.tar.gz")" "$(sha256sum "$d/layer.tar.gz" | cut -c1-64)" >"$d/manifest.json"
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
    --data-binary "@$d/manifest.json" "$url/v2/$repo/manifests/$tag"
}
repo=wsl-verify/$(uname_ tiny)
push_tiny "$repo" 1 && ok || bad "could not push the test image $repo:1 to $WSL_REGISTRY_URL"

# up_ ARGS...: `up` with the test's port and bound; $rc, $err, $out, $secs (wall clock)
up_() {
  local t0 t1
  t0=$(date +%s%N)
  "$WS_BIN" up --yes --offline --port "$port" --verify-timeout 90 "$@" >"$T_TMP/up.out" 2>"$T_TMP/up.err"; rc=$?
  t1=$(date +%s%N)
  secs=$(( (t1 - t0) / 1000000000 )).$(( (t1 - t0) / 100000000 % 10 ))
  out=$(cat "$T_TMP/up.out") err=$(cat "$T_TMP/up.err")
}
has() { case $1 in *"$2"*) ok ;; *) bad "$3: lacks [$2]: $1" ;; esac; }
inner_images() { DK exec "$1" docker image ls --format '{{.Repository}}:{{.Tag}}' 2>&1; }
down_() { "$WS_BIN" down --name "$1" --volumes >/dev/null 2>"$T_TMP/down.err" && ok || bad "down $1: $(cat "$T_TMP/down.err")"; }

# ---- privileged, the registry as an insecure registry of the inner daemon -----------------------------------------
name=$(uname_ priv)
P=(privileged --name "$name" --volume "$name-ws" --data-volume "$name-dd" --inner-iptables off)
# quick first, for the time it takes (the same launch; verify is not in the digest, so full reuses it)
up_ "${P[@]}" --inner-insecure-registry "$reg"
[ "$rc" -eq 0 ] && ok || bad "up privileged quick: exit $rc: $err"
quick_first=$secs
case $err in *"--verify full"*) bad "quick verification pulled: $err" ;; *) ok ;; esac
down_ "$name"
up_ "${P[@]}" --inner-insecure-registry "$reg" --verify full --verify-image "$reg/$repo:1"
[ "$rc" -eq 0 ] && ok || bad "up privileged --verify full: exit $rc: $err"
full_first=$secs
printf '%s\n' "$err" | grep -E 'docker inside (pulled|ran)' | sed 's/^/  privileged: /'
has "$err" "--verify full: pulling $reg/$repo:1 with the inner daemon from $reg, an insecure registry of the inner daemon" \
  "the progress names the insecure registry"
has "$err" "docker inside pulled $reg/$repo:1" "the progress reports the pull"
has "$err" "docker inside ran a container of $reg/$repo:1" "the progress reports the run"
has "$out" "(pulled and ran $reg/$repo:1 inside)" "the last message says it"
has "$(inner_images "$name")" "$reg/$repo:1" "the image is in the inner daemon"
left=$(DK exec "$name" docker ps -aq 2>&1)
[ -z "$left" ] && ok || bad "the test container was left in the inner daemon: $left"
# full on the running launch: the pull again (present: fast), the run; nothing recreated
up_ "${P[@]}" --inner-insecure-registry "$reg" --verify full --verify-image "$reg/$repo:1"
[ "$rc" -eq 0 ] && ok || bad "up --verify full again: exit $rc: $err"
has "$out" "already up" "verify full on a running launch does not recreate it"
down_ "$name"
[ -z "$(labelled "$name")" ] && ok || bad "privileged left: $(labelled "$name")"

# ---- privileged, the registry as the inner daemon's mirror (a Docker Hub name) --------------------------------------
up_ "${P[@]}" --inner-registry-mirror "$mirror" --verify full --verify-image "$repo:1"
[ "$rc" -eq 0 ] && ok || bad "up --verify full through the mirror: exit $rc: $err"
has "$err" "pulling $repo:1 with the inner daemon through the inner daemon's registry mirror $mirror" \
  "the progress names the mirror"
has "$(inner_images "$name")" "$repo:1" "the image came through the mirror"
printf '%s\n' "$err" | grep -E 'docker inside (pulled|ran)' | sed 's/^/  privileged, mirror: /'
down_ "$name"

# ---- a failure: an image the registry does not have fails at the pull and rolls back -------------------------------
up_ "${P[@]}" --inner-insecure-registry "$reg" --verify full --verify-image "$reg/$repo:missing"
[ "$rc" -eq 1 ] && ok || bad "up with a missing verify image: exit $rc, want 1: $err"
last=$(printf '%s\n' "$err" | grep '^ws-launch: up:')
has "$last" "--verify full failed at the pull: 'docker pull $reg/$repo:missing' inside the workspace exited with code 1" \
  "the failure names the pull step"
has "$last" "Error response from daemon:" "the failure has the inner daemon's own line"
has "$last" "rolled back" "a failed full verification rolls back"
[ "$(printf '%s\n' "$last" | wc -l)" -eq 1 ] && ok || bad "the failure is not one line: $last"
[ -z "$(labelled "$name")" ] && ok || bad "the failed launch left: $(labelled "$name")"
[ ! -e "$XDG_CONFIG_HOME/ws-launch/daemon/$name.json" ] && ok || bad "the failed launch left its daemon.json"

# ---- dind: the sidecar's daemon pulls and runs ------------------------------------------------------------------
name=$(uname_ dind) side=$(uname_ side)
D=(dind --name "$name" --volume "$name-ws" --network "$(uname_ net)" --sidecar "$side" --data-volume "$(uname_ dd)"
   --certs-volume "$(uname_ dc)" --inner-registry-mirror "$mirror" --inner-insecure-registry "$reg")
up_ "${D[@]}"
[ "$rc" -eq 0 ] && ok || bad "up dind quick: exit $rc: $err"
quick_dind=$secs
down_ "$name"
# (a pull through the mirror costs the daemon's 10 s look for Docker Hub, measured once above: here the
# sidecar pulls from the registry as an insecure one, and shows the mirror in docker info)
up_ "${D[@]}" --verify full --verify-image "$reg/$repo:1"
[ "$rc" -eq 0 ] && ok || bad "up dind --verify full: exit $rc: $err"
full_dind=$secs
printf '%s\n' "$err" | grep -E 'docker inside (pulled|ran)' | sed 's/^/  dind: /'
has "$err" "from $reg, an insecure registry of the inner daemon" "dind: the progress names the registry"
has "$(inner_images "$side")" "$reg/$repo:1" "dind: the image is in the sidecar's daemon"
has "$(DK exec "$side" docker info --format '{{json .RegistryConfig.Mirrors}}' 2>&1)" "$mirror/" "dind: docker info shows the mirror"
# start verifies the same way; the registry it names comes from the launch's options label (the privileged
# stand-in's dockerd does not come back after a restart: dind here)
"$WS_BIN" stop --name "$name" >/dev/null 2>&1 && ok || bad "stop $name"
"$WS_BIN" start --name "$name" --verify full --verify-image "$reg/$repo:1" >"$T_TMP/st.out" 2>"$T_TMP/st.err"; rc=$?
[ "$rc" -eq 0 ] && ok || bad "start --verify full: exit $rc: $(cat "$T_TMP/st.err")"
has "$(cat "$T_TMP/st.err")" "from $reg, an insecure registry of the inner daemon" "start: the progress names the registry"
has "$(cat "$T_TMP/st.out")" "(pulled and ran $reg/$repo:1 inside)" "start: the last message says it"
down_ "$name"
[ -z "$(labelled "$name")" ] && ok || bad "dind left: $(labelled "$name")"

echo "TIMES: privileged up quick ${quick_first}s, full ${full_first}s; dind up quick ${quick_dind}s, full ${full_dind}s"
