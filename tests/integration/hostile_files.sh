#!/bin/bash
# Files that are not files, against a real TLS daemon (B's dockerd
# --tlsverify): a FIFO planted as ca.pem, cert.pem or key.pem is refused in
# one finding and never read -- before, libcurl opened it itself and check
# and up hung for ever.  `timeout` turns a hang into a failure (exit 124).
. "$(dirname "$0")/../lib/peers.sh"
J=$T_TMP/out.json
for f in ca.pem cert.pem key.pem; do
  d=$T_TMP/certs-$f
  mkdir -p "$d"
  cp "$WSL_TLS_CERT_DIR"/*.pem "$d/"
  rm "$d/$f"; mkfifo "$d/$f"
  # The daemon's endpoint itself carries the FIFO (DOCKER_CERT_PATH).
  DOCKER_HOST=$WSL_B_TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$d \
    timeout 10 "$WS_BIN" check socket --offline --json >"$J" 2>"$T_TMP/err"; rc=$?
  [ "$rc" = 1 ] && ok || bad "$f as FIFO (endpoint): exit $rc, want 1 ($(cat "$T_TMP/err"))"
  finding=$(jq -r '.checks[] | select(.id=="engine") | .finding' "$J" 2>/dev/null)
  case $finding in *"$d/$f: cannot read: not a regular file (fifo)"*) ok ;; *) bad "$f (endpoint): engine finding: $finding" ;; esac
  # The tcp mode's own certificate directory.
  timeout 10 "$WS_BIN" check tcp --host 127.0.0.1 --tcp-port "$WSL_B_TLS_PORT" --tls --cert-dir "$d" \
    --offline --json >"$J" 2>"$T_TMP/err"; rc=$?
  [ "$rc" = 1 ] && ok || bad "$f as FIFO (--cert-dir): exit $rc, want 1"
  st=$(jq -r '.checks[] | select(.id=="tls.files") | .status' "$J" 2>/dev/null)
  [ "$st" = fail ] && ok || bad "$f (--cert-dir): tls.files $st, want fail"
  finding=$(jq -r '.checks[] | select(.id=="tls.files") | .finding' "$J" 2>/dev/null)
  case $finding in *"not a regular file (fifo)"*) ok ;; *) bad "$f (--cert-dir): tls.files finding: $finding" ;; esac
  # up stops at the failed check, at once, launching nothing.
  n=$(uname_ "fifo${f%%.*}")
  DOCKER_HOST=$WSL_B_TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$d \
    timeout 10 "$WS_BIN" up socket --name "$n" --group 1 --yes >/dev/null 2>"$T_TMP/err"; rc=$?
  [ "$rc" = 1 ] && ok || bad "up with $f as FIFO: exit $rc, want 1"
  [ -z "$(labelled "$n" "$WSL_B_HOST")" ] && ok || bad "up with $f as FIFO left objects"
done
# The same directory with regular files works (the blobs carry the same PEM).
DOCKER_HOST=$WSL_B_TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$WSL_TLS_CERT_DIR \
  timeout 10 "$WS_BIN" check socket --offline --json >"$J" 2>/dev/null
st=$(jq -r '.checks[] | select(.id=="engine") | .status' "$J")
[ "$st" = pass ] && ok || bad "regular TLS files: engine $st, want pass"
