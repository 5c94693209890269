#!/bin/bash
# publish.sh IMGDIR REGISTRY -- put the images built by mkimages.sh into the local registry (peer F)
# through the registry HTTP API (curl), without any docker daemon:
#   REGISTRY/kloudkit/workspace:{v0.0.21,v0.1.0,v0.4.0,v0.10.2,latest,tests}   (one manifest, six tags)
#   REGISTRY/library/docker:dind                                               (daemon A's mirror serves it
#                                                                                as docker:dind)
# Why not "docker push": dockerd compresses the 200 MB base layer with Go's gzip at the default level on
# one core (~8 s here); "gzip -1" takes ~3 s and runs while the images are loaded into the daemons.
# The daemons do not know the compressed digests, so a pull downloads the layers for real.
set -euo pipefail
OUT=${1:?usage: publish.sh IMGDIR REGISTRY}; REG=${2:?usage: publish.sh IMGDIR REGISTRY}
URL=http://$REG
WS_TAGS="v0.0.21 v0.1.0 v0.4.0 v0.10.2 latest tests"
MT_MANIFEST=application/vnd.docker.distribution.manifest.v2+json

for l in base ws dind; do gzip -1 -c "$OUT/$l.tar" >"$OUT/$l.tar.gz" & done
wait
digest() { echo "sha256:$(sha256sum "$1" | cut -c1-64)"; }
size()   { stat -c %s "$1"; }

# blob REPO FILE [FROM_REPO] -- upload unless present; cross-repo mount from FROM_REPO when possible
blob() {
  local repo=$1 f=$2 from=${3:-} dg loc sep code
  dg=$(digest "$f")
  curl -sf -o /dev/null -I "$URL/v2/$repo/blobs/$dg" && return 0
  if [ -n "$from" ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/v2/$repo/blobs/uploads/?mount=$dg&from=$from")
    [ "$code" = 201 ] && return 0
  fi
  loc=$(curl -sf -o /dev/null -D - -X POST "$URL/v2/$repo/blobs/uploads/" | tr -d '\r' |
        awk 'tolower($1) == "location:" {print $2}')
  [ -n "$loc" ] || { echo "publish.sh: no upload location for $repo" >&2; return 1; }
  case "$loc" in /*) loc=$URL$loc ;; esac
  sep='?'; case "$loc" in *\?*) sep='&' ;; esac
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T "$f" "$loc${sep}digest=$dg"
}
# manifest CONFIG LAYER.tar.gz... -- schema2 manifest JSON on stdout
manifest() {
  local cfg=$1 l layers=""; shift
  for l in "$@"; do
    layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":$(size "$l"),\"digest\":\"$(digest "$l")\"}"
  done
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%s,"digest":"%s"},"layers":[%s]}' \
    "$MT_MANIFEST" "$(size "$cfg")" "$(digest "$cfg")" "$layers"
}
put_manifest() { # REPO TAG FILE
  curl -sf -o /dev/null -X PUT -H "Content-Type: $MT_MANIFEST" --data-binary "@$3" "$URL/v2/$1/manifests/$2"
}

W=kloudkit/workspace
blob "$W" "$OUT/base.tar.gz"; blob "$W" "$OUT/ws.tar.gz"; blob "$W" "$OUT/ws-config.json"
manifest "$OUT/ws-config.json" "$OUT/base.tar.gz" "$OUT/ws.tar.gz" >"$OUT/ws-manifest.json"
for t in $WS_TAGS; do put_manifest "$W" "$t" "$OUT/ws-manifest.json"; done
L=library/docker
blob "$L" "$OUT/base.tar.gz" "$W"; blob "$L" "$OUT/dind.tar.gz"; blob "$L" "$OUT/dind-config.json"
manifest "$OUT/dind-config.json" "$OUT/base.tar.gz" "$OUT/dind.tar.gz" >"$OUT/dind-manifest.json"
put_manifest "$L" dind "$OUT/dind-manifest.json"
echo "published $REG/$W:{${WS_TAGS// /,}} and $REG/$L:dind (base layer $(( $(size "$OUT/base.tar.gz") / 1048576 )) MB gzip -1)"
