# tests/lib/peers.sh - for integration and terminal tests: load the
# harness's peers.env (WS_PEERS_ENV, set by tests/run.sh).  Without it (a
# bare `ctest` in a fresh build) the test exits 77, which CMake registers as
# SKIP_RETURN_CODE, with the reason; tests/run.sh always starts the peers and
# fails the run if any test was skipped there.
if [ -z "${WS_PEERS_ENV:-}" ]; then
  echo "SKIP: $(basename "$0") needs the test peers (run ./tests/run.sh, or set WS_PEERS_ENV to a harness's peers.env)"
  exit 77
fi
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
if [ ! -r "$WS_PEERS_ENV" ]; then
  bad "WS_PEERS_ENV=$WS_PEERS_ENV is unreadable: is the harness up?"
  exit 1
fi
# shellcheck disable=SC1090
. "$WS_PEERS_ENV"
# Debian's CLI first (trap 7), and an isolated docker/XDG configuration.
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_CONFIG=$T_TMP/docker-config
mkdir -p "$HOME" "$DOCKER_CONFIG"
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_TLS SSH_AUTH_SOCK NO_COLOR
export DOCKER_HOST=$WSL_A_HOST
# sysbox-mgr/sysbox-fs stand-in sockets of the harness (real ones: /run/sysbox)
export WS_LAUNCH_SYSBOX_DIR=$WSL_SYSBOX_RUN_DIR
DK() { "$WSL_DOCKER" "$@"; }
# A port nothing listens on now (the kernel's pick), for a test's launch.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# A unique name per test run, so tests never collide with each other.
uname_() { echo "t$(basename "$T_TMP" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z' | tail -c 7)-$1"; }
# Objects labelled for launch $1 on daemon $2 (default A), one per line.
labelled() {
  local host=${2:-$WSL_A_HOST}
  { "$WSL_DOCKER" -H "$host" ps -aq --filter "label=ws-launch.launch=$1"
    "$WSL_DOCKER" -H "$host" network ls -q --filter "label=ws-launch.launch=$1"
    "$WSL_DOCKER" -H "$host" volume ls -q --filter "label=ws-launch.launch=$1"; } 2>/dev/null
}
# derive TAG CMD...: an image made from the stand-in by running CMD in it as
# root, with the stand-in's user and entrypoint back (extra --change in
# CHANGES); cleanup_images removes every derived one (call it from the test's
# EXIT trap).
images=()
CHANGES=()
derive() {
  local tag=$1 c; shift
  c=$(uname_ mk)
  DK run --name "$c" -u 0 --entrypoint "$1" "$WSL_WS_IMAGE" "${@:2}" >/dev/null 2>&1
  DK commit --change 'USER 1000' --change 'CMD []' \
    --change 'ENTRYPOINT ["/usr/bin/docker-init", "--", "/usr/local/bin/ws-entrypoint"]' \
    "${CHANGES[@]}" "$c" "$tag" >/dev/null
  DK rm -f "$c" >/dev/null
  CHANGES=()
  images+=("$tag")
}
cleanup_images() { [ ${#images[@]} -eq 0 ] || DK rmi -f "${images[@]}" >/dev/null 2>&1; }
# json FILE EXPR: a jq query (jq is one of the harness packages).
jqf() { jq -r "$2" "$1"; }
