#!/bin/bash
# mkimages.sh OUT -- build the two stand-in images as "docker load" archives (no registry,
# no Dockerfile builder, nothing outside OUT). Called by up.sh; usable alone for debugging.
#
#   base layer  busybox-static (trap 7: the Debian docker CLI is dynamic, so its libraries come along,
#               resolved with ldd) + docker CLI, dockerd, containerd, shim, runc, docker-init (tini-static),
#               docker-proxy, ssh client, openssl (+ libraries), /etc/docker/daemon.json (iptables off),
#               /usr/local/lib/wsl/cgroup-rw. Shared by both images: stored/pushed/pulled once.
#   ws layer    Kloud workspace stand-in: users root + kloud (1000, home /home/kloud, ~/.ssh 0700), group
#               docker 990 with kloud, entrypoint, setuid helper, start-dockerd, web page and /healthz (200).
#   dind layer  docker:dind stand-in entrypoint, /certs and /certs/client (1777).
#
# Outputs: OUT/{base,ws,dind}.tar (layers), OUT/{ws,dind}-config.json (image configs; their sha256 is the
# image id, also in OUT/ws.id and OUT/dind.id), OUT/stage-ws/ (a "docker save" layout of the workspace
# tagged ghcr.io/kloudkit/workspace:v0.0.21). Load with: tar -C OUT/stage-ws -chf - . | docker load
# (-h: the layer files are symlinks). publish.sh puts both images into the registry.
set -euo pipefail
OUT=${1:?usage: mkimages.sh OUT}
H=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
I=$H/images
WS_REF=ghcr.io/kloudkit/workspace:v0.0.21
CREATED=2025-01-01T00:00:00Z
mkdir -p "$OUT"
umask 022

# --- base rootfs ----------------------------------------------------------------------------------------
R=$OUT/root-base
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/sbin,usr/local/lib/wsl,lib64,etc/docker,etc/ssl} \
         "$R"/{usr/lib/ssl,tmp,root,proc,sys,dev,run,var/lib,var/log}
chmod 1777 "$R/tmp"; chmod 0700 "$R/root"
ln -s ../run "$R/var/run"
BINS=(/usr/bin/docker /usr/sbin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc
      /usr/sbin/docker-proxy /usr/bin/ssh /usr/bin/openssl)
# binaries first, busybox links afterwards: "cp -L" onto an existing busybox symlink would overwrite busybox
for b in "${BINS[@]}"; do
  cp -L "$b" "$R$b"
  ldd "$b" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' | while read -r l; do
    [ -e "$R$l" ] || { mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; }
  done
done
cp -L /usr/bin/docker-init "$R/usr/bin/docker-init"        # tini-static: PID 1 of both images
cp /bin/busybox "$R/bin/busybox"                          # must be the static build (runs without libs)
chroot "$R" /bin/busybox --install -s
cp -L /etc/ssl/openssl.cnf "$R/etc/ssl/openssl.cnf"
ln -s /etc/ssl/openssl.cnf "$R/usr/lib/ssl/openssl.cnf"
printf 'hosts: files dns\npasswd: files\ngroup: files\n' >"$R/etc/nsswitch.conf"
printf 'PRETTY_NAME="wsl harness stand-in (busybox)"\nID=wsl-standin\n' >"$R/etc/os-release"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
install -m 0644 "$I/common/daemon.json" "$R/etc/docker/daemon.json"
install -m 0755 "$I/common/cgroup-rw" "$R/usr/local/lib/wsl/cgroup-rw"

# --- workspace layer -------------------------------------------------------------------------------------
W=$OUT/root-ws
rm -rf "$W"
mkdir -p "$W"/{etc,usr/local/bin,usr/local/sbin,usr/local/lib/wsl,var/www/workspace,var/log/workspace,home/kloud/.ssh,workspace}
printf 'root:x:0:0:root:/root:/bin/sh\nkloud:x:1000:1000:kloud:/home/kloud:/bin/sh\n' >"$W/etc/passwd"
printf 'root:x:0:\ndocker:x:990:kloud\nkloud:x:1000:\n' >"$W/etc/group"
install -m 0755 "$I/ws/ws-entrypoint" "$W/usr/local/bin/ws-entrypoint"
install -m 0755 "$I/ws/start-dockerd" "$W/usr/local/lib/wsl/start-dockerd"
install -m 0644 "$I/ws/index.html" "$W/var/www/workspace/index.html"
install -m 0644 "$I/ws/healthz" "$W/var/www/workspace/healthz"   # GET /healthz: 200, as the real image (chart probes)
gcc -static -O2 -o "$W/usr/local/sbin/wsl-rootcmd" "$I/ws/wsl-rootcmd.c"
chmod 4755 "$W/usr/local/sbin/wsl-rootcmd"
chmod 0700 "$W/home/kloud/.ssh"
chown -R 1000:1000 "$W/home/kloud" "$W/workspace"

# --- dind layer ------------------------------------------------------------------------------------------
Dd=$OUT/root-dind
rm -rf "$Dd"
mkdir -p "$Dd"/{usr/local/bin,certs/client,var/lib/docker}
install -m 0755 "$I/dind/dockerd-entrypoint.sh" "$Dd/usr/local/bin/dockerd-entrypoint.sh"
chmod 1777 "$Dd/certs" "$Dd/certs/client"

# --- layer tars + digests --------------------------------------------------------------------------------
for l in base ws dind; do
  case $l in base) src=$R ;; ws) src=$W ;; dind) src=$Dd ;; esac
  tar --numeric-owner -C "$src" -cf - . | tee "$OUT/$l.tar" | sha256sum | awk '{print "sha256:" $1}' >"$OUT/$l.diffid" &
done
wait
rm -rf "$R" "$W" "$Dd"
B_ID=$(cat "$OUT/base.diffid"); W_ID=$(cat "$OUT/ws.diffid"); D_ID=$(cat "$OUT/dind.diffid")

PATHENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
jq -n --arg c "$CREATED" --arg b "$B_ID" --arg w "$W_ID" --arg p "$PATHENV" '{
  architecture: "amd64", os: "linux", created: $c,
  config: {
    User: "1000", Env: [$p], WorkingDir: "/workspace",
    Entrypoint: ["/usr/bin/docker-init", "--", "/usr/local/bin/ws-entrypoint"], Cmd: null,
    ExposedPorts: {"8080/tcp": {}},
    Labels: {"org.opencontainers.image.title": "kloud workspace stand-in", "dev.wsl.harness": "workspace"}
  },
  rootfs: {type: "layers", diff_ids: [$b, $w]},
  history: [{created: $c, created_by: "wsl harness: base layer"}, {created: $c, created_by: "wsl harness: workspace layer"}]
}' >"$OUT/ws-config.json"
jq -n --arg c "$CREATED" --arg b "$B_ID" --arg d "$D_ID" --arg p "$PATHENV" '{
  architecture: "amd64", os: "linux", created: $c,
  config: {
    Env: [$p, "DOCKER_TLS_CERTDIR=/certs"],
    Entrypoint: ["/usr/bin/docker-init", "--", "/usr/local/bin/dockerd-entrypoint.sh"], Cmd: [],
    ExposedPorts: {"2375/tcp": {}, "2376/tcp": {}}, Volumes: {"/var/lib/docker": {}},
    Labels: {"org.opencontainers.image.title": "docker:dind stand-in", "dev.wsl.harness": "dind"}
  },
  rootfs: {type: "layers", diff_ids: [$b, $d]},
  history: [{created: $c, created_by: "wsl harness: base layer"}, {created: $c, created_by: "wsl harness: dind layer"}]
}' >"$OUT/dind-config.json"
WS_HEX=$(sha256sum "$OUT/ws-config.json" | cut -d' ' -f1)
DIND_HEX=$(sha256sum "$OUT/dind-config.json" | cut -d' ' -f1)
echo "sha256:$WS_HEX" >"$OUT/ws.id"; echo "sha256:$DIND_HEX" >"$OUT/dind.id"

s=$OUT/stage-ws
rm -rf "$s"; mkdir -p "$s/base" "$s/ws"
ln -s "$OUT/base.tar" "$s/base/layer.tar"; ln -s "$OUT/ws.tar" "$s/ws/layer.tar"
cp "$OUT/ws-config.json" "$s/$WS_HEX.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["base/layer.tar","ws/layer.tar"]}]\n' "$WS_HEX" "$WS_REF" >"$s/manifest.json"
echo "images: base $(($(stat -c %s "$OUT/base.tar") / 1048576)) MB, ws $(cat "$OUT/ws.id"), dind $(cat "$OUT/dind.id")"
