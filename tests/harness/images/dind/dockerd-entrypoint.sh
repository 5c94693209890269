#!/bin/sh
# /usr/local/bin/dockerd-entrypoint.sh -- entry of the docker:dind STAND-IN (runs as root under
# docker-init/tini as PID 1, so SIGTERM reaches dockerd at once and shims are reaped).
# Emulates docker-library's dockerd-entrypoint.sh where ws-launch's dind mode depends on it:
#   DOCKER_TLS_CERTDIR non-empty (image default /certs): CA kept in $DIR/ca (key only created once),
#     server and client certificates regenerated at every start (SANs: every IP of the container, its
#     hostname, "docker", "localhost", plus $DOCKER_TLS_SAN), client key 0644 so any uid can read it,
#     ca.pem copied next to each; then dockerd --host unix:///var/run/docker.sock --host tcp://0.0.0.0:2376
#     --tlsverify with the server files.
#   DOCKER_TLS_CERTDIR empty: --host tcp://0.0.0.0:2375 plus --tls=false (trap 10: without it dockerd
#     waits 15 s before listening on a non-loopback plain TCP address).
# Differences from the real image: EC P-256 keys instead of RSA 4096 (fast), no iptables inside
# (/etc/docker/daemon.json turns it off), cgroup v1 made writable by /usr/local/lib/wsl/cgroup-rw if needed.
set -eu
certdays=825

gen_key() { [ -s "$1" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
san_list() {
  {
    ip -o addr | awk '{ sub(/\/.*$/, "", $4); print "IP:" $4 }'
    { cat /etc/hostname 2>/dev/null; hostname; echo docker; echo localhost; } | sed 's/^/DNS:/'
    [ -z "${DOCKER_TLS_SAN:-}" ] || echo "$DOCKER_TLS_SAN"
  } | grep -v -e '^DNS:$' -e '^IP:$' | sort -u | paste -sd, -
}
gen_certs() {
  d=$1
  if [ -s "$d/ca/key.pem" ] || [ ! -s "$d/ca/cert.pem" ]; then
    mkdir -p "$d/ca"; gen_key "$d/ca/key.pem"
    [ -s "$d/ca/cert.pem" ] || openssl req -new -x509 -key "$d/ca/key.pem" -out "$d/ca/cert.pem" \
      -subj '/CN=docker:dind CA' -days "$certdays" \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
  fi
  [ -s "$d/ca/key.pem" ] || return 0
  mkdir -p "$d/server"; gen_key "$d/server/key.pem"
  openssl req -new -key "$d/server/key.pem" -out "$d/server/csr.pem" -subj '/CN=docker:dind server' 2>/dev/null
  printf '[ x509_exts ]\nsubjectAltName = %s\nextendedKeyUsage = serverAuth\n' "$(san_list)" >"$d/server/openssl.cnf"
  openssl x509 -req -in "$d/server/csr.pem" -CA "$d/ca/cert.pem" -CAkey "$d/ca/key.pem" -CAcreateserial \
    -out "$d/server/cert.pem" -days "$certdays" -extfile "$d/server/openssl.cnf" -extensions x509_exts 2>/dev/null
  cp "$d/ca/cert.pem" "$d/server/ca.pem"
  openssl verify -CAfile "$d/server/ca.pem" "$d/server/cert.pem" >/dev/null
  mkdir -p "$d/client"; gen_key "$d/client/key.pem"
  chmod 0644 "$d/client/key.pem"   # shared with clients running as any uid (the workspace runs as 1000)
  openssl req -new -key "$d/client/key.pem" -out "$d/client/csr.pem" -subj '/CN=docker:dind client' 2>/dev/null
  printf '[ x509_exts ]\nextendedKeyUsage = clientAuth\n' >"$d/client/openssl.cnf"
  openssl x509 -req -in "$d/client/csr.pem" -CA "$d/ca/cert.pem" -CAkey "$d/ca/key.pem" -CAcreateserial \
    -out "$d/client/cert.pem" -days "$certdays" -extfile "$d/client/openssl.cnf" -extensions x509_exts 2>/dev/null
  cp "$d/ca/cert.pem" "$d/client/ca.pem"
  openssl verify -CAfile "$d/client/ca.pem" "$d/client/cert.pem" >/dev/null
}

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  sock=unix:///var/run/docker.sock
  case "${DOCKER_HOST:-}" in unix://*) sock=$DOCKER_HOST ;; esac
  if [ -n "${DOCKER_TLS_CERTDIR:-}" ] && gen_certs "$DOCKER_TLS_CERTDIR" \
     && [ -s "$DOCKER_TLS_CERTDIR/server/ca.pem" ] && [ -s "$DOCKER_TLS_CERTDIR/server/cert.pem" ] \
     && [ -s "$DOCKER_TLS_CERTDIR/server/key.pem" ]; then
    set -- dockerd --host="$sock" --host=tcp://0.0.0.0:2376 --tlsverify \
      --tlscacert "$DOCKER_TLS_CERTDIR/server/ca.pem" --tlscert "$DOCKER_TLS_CERTDIR/server/cert.pem" \
      --tlskey "$DOCKER_TLS_CERTDIR/server/key.pem" "$@"
  else
    set -- dockerd --host="$sock" --host=tcp://0.0.0.0:2375 --tls=false "$@"
  fi
fi

if [ "$1" = dockerd ]; then
  find /run /var/run -iname 'docker*.pid' -delete 2>/dev/null || :
  if parent=$(/usr/local/lib/wsl/cgroup-rw) && [ -n "$parent" ]; then set -- "$@" "--cgroup-parent=$parent"; fi
fi
exec "$@"
