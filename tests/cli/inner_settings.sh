#!/bin/bash
# Issue 22.3: the inner daemon settings (--inner-*): bad values and a mode that cannot carry them are one
# line and exit 2; repeated list flags append; the profile round-trip; the digest; the daemon.json in the
# shell plan, the Compose and the Kubernetes exports; the dind sidecar's dockerd flags.
. "$(dirname "$0")/../lib/assert.sh"
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"
J=$XDG_CONFIG_HOME/ws-launch/daemon/workspace.json

usage_error "mtu" "ws-launch: --inner-mtu: '10' is not an MTU (68-65535)" print privileged --inner-mtu 10
usage_error "mtu text" "" print sysbox --inner-mtu big
usage_error "mirror scheme" "ws-launch: --inner-registry-mirror: 'ftp://m' is not a registry mirror URL (http[s]://HOST[:PORT][/PATH])" \
  print privileged --inner-registry-mirror ftp://m
usage_error "mirror empty item" "" print privileged --inner-registry-mirror "http://a,"
usage_error "insecure scheme" "" print dind --inner-insecure-registry http://reg:5000
usage_error "insecure port" "" print dind --inner-insecure-registry reg:99999
usage_error "pool" "ws-launch: --inner-address-pool: '10.200.0.0/16' is not an address pool CIDR/SIZE (e.g. 10.200.0.0/16/24: networks of /24 from 10.200.0.0/16)" \
  print privileged --inner-address-pool 10.200.0.0/16
usage_error "pool size < bits" "" print privileged --inner-address-pool 10.200.0.0/16/8
usage_error "iptables choice" "" print privileged --inner-iptables maybe
usage_error "socket cannot carry" "ws-launch: --inner-mtu: does not apply to mode socket (it is for: sysbox, privileged, dind)" \
  print socket --socket /run/x.sock --group 1 --inner-mtu 1400
usage_error "tcp cannot carry" "" print tcp --host h --inner-registry-mirror http://m
usage_error "nft is dind's" "ws-launch: inner.iptables (--inner-iptables): nft chooses the dind sidecar's iptables; mode privileged takes auto or off" \
  print privileged --inner-iptables nft

# the shell plan writes the file and mounts it read-only
A=(--inner-registry-mirror http://10.0.0.1:5000 --inner-registry-mirror https://m.example --inner-insecure-registry reg.example:5000
   --inner-mtu 1400 --inner-address-pool 10.200.0.0/16/24 --inner-iptables off)
run print privileged "${A[@]}"
expect_rc 0 "print privileged"
expect_out_has "cat > $J <<'EOF'" "plan writes daemon.json"
expect_out_has "-v $J:/etc/docker/daemon.json:ro" "plan mounts it read-only"
json=$(printf '%s\n' "$out" | sed -n "/<<'EOF'/,/^EOF/p" | sed '1d;$d')
[ "$(printf '%s' "$json" | jq -c .)" = '{"registry-mirrors":["http://10.0.0.1:5000","https://m.example"],"insecure-registries":["reg.example:5000"],"mtu":1400,"default-address-pools":[{"base":"10.200.0.0/16","size":24}],"iptables":false,"ip6tables":false}' ] &&
  ok || bad "daemon.json content: $json"
[ ! -e "$J" ] && ok || bad "print wrote $J"
# the printed preamble runs in sh as printed and writes exactly that file
printf '%s\n' "$out" | sed -n "1,/^EOF\$/p" > "$T_TMP/preamble.sh"
sh "$T_TMP/preamble.sh" && [ "$(jq -c . "$J")" = "$(printf '%s' "$json" | jq -c .)" ] &&
  ok || bad "the printed daemon.json commands do not run in sh: $(cat "$T_TMP/preamble.sh")"
rm -f "$J"
run print sysbox --inner-mtu 1400
expect_out_has "/etc/docker/daemon.json:ro" "sysbox mounts it"
run print privileged
case $out in *daemon.json*) bad "no setting, yet a daemon.json: $out" ;; *) ok ;; esac

# dind: the sidecar's dockerd flags, DOCKER_IPTABLES_LEGACY for legacy
run print dind "${A[@]}" --inner-iptables legacy
expect_out_has "--registry-mirror=http://10.0.0.1:5000 --registry-mirror=https://m.example --insecure-registry=reg.example:5000 --mtu=1400 --default-address-pool=base=10.200.0.0/16,size=24" "dind flags"
expect_out_has "DOCKER_IPTABLES_LEGACY=1" "dind legacy"
case $out in *daemon.json*) bad "dind got a daemon.json" ;; *) ok ;; esac

# digest: a setting changes it; a launch without any keeps the digest it had before the rows existed
digest() { "$WS_BIN" print "$@" 2>/dev/null | grep -o 'ws-launch.digest=[0-9a-f]*' | head -1; }
d0=$(digest privileged) d1=$(digest privileged --inner-mtu 1400) d2=$(digest privileged --inner-mtu 1300)
[ -n "$d0" ] && [ "$d0" != "$d1" ] && [ "$d1" != "$d2" ] && ok || bad "digest: [$d0] [$d1] [$d2]"
run print privileged
case $out in *inner.*) bad "defaults in the options label: $out" ;; *) ok ;; esac

# profile round-trip
run profile save inner privileged "${A[@]}"
expect_rc 0 "save"
run profile show inner
expect_out_has "registry_mirror: http://10.0.0.1:5000,https://m.example" "profile keeps the list"
run print privileged "${A[@]}" --pull never
direct=$out
run print --profile inner --pull never
expect_out "$direct" "print --profile equals print with the same options"

# exports
run print privileged "${A[@]}" --format kube
expect_out_has "kind: ConfigMap" "kube ConfigMap"
expect_out_has "configMap: {name: workspace-daemon-json}" "kube volume"
expect_out_has "subPath: daemon.json" "kube subPath"
run print privileged "${A[@]}" --format compose
expect_out_has "$J:/etc/docker/daemon.json:ro" "compose bind mount"
expect_out_has '#     "mtu": 1400,' "compose shows the content"
run print dind --inner-mtu 1400 --format compose
expect_out_has "--mtu=1400" "compose sidecar command"
