#!/bin/bash
# tests/cli/endpoint_corpus.sh - endpoint resolution, differentially: in 48
# environments (DOCKER_HOST forms, precedence, contexts made by `docker
# context create`, damaged config.json files, the TLS variables) the endpoint
# of `ws-launch check --json` must be what `docker context inspect` of the
# docker CLI 28 reports - the same host URL, context and TLS mode - or a
# refusal where the CLI refuses; and the CLI's warnings (a config.json it
# cannot parse, DOCKER_HOST over a context) appear as warnings.  Needs no
# daemon: nothing is contacted but closed loopback ports.
. "$(dirname "$0")/../lib/assert.sh"
needs "jq openssl" jq openssl
DOCKER=${WS_REFERENCE_DOCKER:-/usr/local/bin/docker}
if [ ! -x "$DOCKER" ] || ! "$DOCKER" --version | grep -qE 'version (2[4-9]|[3-9][0-9])\.'; then
  echo "SKIP: the reference docker CLI (24+) is not at $DOCKER"; trap - EXIT; rm -rf "$T_TMP"; exit 77
fi
command -v openssl >/dev/null || { bad "openssl is not installed"; exit 1; }
cert() { mkdir -p "$1"; openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/key.pem" -out "$1/cert.pem" -days 2 \
  -subj /CN=x 2>/dev/null; cp "$1/cert.pem" "$1/ca.pem"; }
C=$T_TMP/certs
cert "$C"
mkdir -p "$T_TMP/caonly" "$T_TMP/nokey"
cp "$C/ca.pem" "$T_TMP/caonly/"
cp "$C/ca.pem" "$C/cert.pem" "$T_TMP/nokey/"
OVERRIDE="DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable."
n=0
# ep NAME SETUP EXPECT-WARNING VAR=VALUE...: SETUP runs in a fresh
# DOCKER_CONFIG with the CLI; EXPECT-WARNING is "" (none), "config" (a
# config.json warning) or "override" (the CLI's DOCKER_HOST warning).
ep() {
  local name=$1 setup=$2 warn=$3; shift 3
  n=$((n + 1))
  local d=$T_TMP/c$n
  mkdir -p "$d/home" "$d/dc"
  (
    cd "$d" || exit 1
    export HOME=$d/home DOCKER_CONFIG=$d/dc PATH=$(dirname "$DOCKER"):$PATH
    unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH
    eval "$setup" >"$d/setup.log" 2>&1 || echo "setup failed: $(cat "$d/setup.log")" >"$d/setup.err"
    local want got
    if env "$@" "$DOCKER" context inspect >"$d/cli.json" 2>"$d/cli.err"; then
      want=$(jq -r '.[0] | "\(.Endpoints.docker.Host) \(.Name) " +
        (if (.Endpoints.docker.Host | startswith("tcp://")) then
          (if .TLSMaterial.docker == null then "off" elif .Endpoints.docker.SkipTLSVerify then "no-verify" else "verify" end)
         else "-" end)' "$d/cli.json")
    else
      want="refused"
    fi
    env "$@" "$WS_BIN" check socket --json --offline --timeout 1 >"$d/ws.json" 2>"$d/ws.err" </dev/null
    got=$(jq -r '.endpoint | if .error then "refused" else
      "\(.url) \(.context) " + (if (.url | startswith("tcp://")) then .tls else "-" end) end' "$d/ws.json")
    printf '%s\n%s\n' "$want" "$got" >"$d/result"
  )
  [ -e "$d/setup.err" ] && { bad "$n $name: $(cat "$d/setup.err")"; return; }
  local want got
  want=$(sed -n 1p "$d/result") got=$(sed -n 2p "$d/result")
  [ "$got" = "$want" ] && ok || bad "$n $name ($*): docker CLI: [$want $(head -c 120 "$d/cli.err")] ws-launch: [$got $(jq -r .endpoint.error "$d/ws.json")]"
  schema_later check.schema.json "$d/ws.json"   # (validated together at the end: one python run)
  local warnings
  warnings=$(jq -r '.endpoint.warnings[]?' "$d/ws.json")
  case $warn in
    "") [ -z "$warnings" ] && ok || bad "$n $name: unexpected warning: $warnings" ;;
    config) case $warnings in *"Error parsing config file ($d/dc/config.json)"*) ok ;;
              *) bad "$n $name: no config.json warning (docker CLI: $(head -c 200 "$d/cli.err"))" ;; esac
            grep -q "WARNING: Error parsing config file" "$d/cli.err" && ok || bad "$n $name: the CLI did not warn: $(cat "$d/cli.err")" ;;
    override) [ "$warnings" = "$OVERRIDE" ] && ok || bad "$n $name: warning [$warnings], want the CLI's [$OVERRIDE]" ;;
  esac
}
mkctx() { "$DOCKER" context create "$1" --docker "$2"; }

# DOCKER_HOST forms
ep "tcp with port" "" "" DOCKER_HOST=tcp://127.0.0.1:2375
ep "tcp without port" "" "" DOCKER_HOST=tcp://127.0.0.1
ep "tcp without host" "" "" DOCKER_HOST=tcp://
ep "tcp port only" "" "" DOCKER_HOST=tcp://:2377
ep "no scheme" "" "" DOCKER_HOST=127.0.0.1:99
ep "tcp with a path" "" "" DOCKER_HOST=tcp://127.0.0.1:1/base
ep "tcp with a query" "" "" "DOCKER_HOST=tcp://127.0.0.1:1?x=1"
ep "tcp IPv6" "" "" "DOCKER_HOST=tcp://[::1]:5"
ep "tcp IPv6 without port" "" "" "DOCKER_HOST=tcp://[::1]"
ep "ssh user and port" "" "" DOCKER_HOST=ssh://u@127.0.0.1:2222
ep "ssh host only" "" "" DOCKER_HOST=ssh://127.0.0.1
ep "ssh user only" "" "" DOCKER_HOST=ssh://me@127.0.0.1
ep "unix path" "" "" DOCKER_HOST=unix:///tmp/x.sock
ep "unix without path" "" "" DOCKER_HOST=unix://
ep "http scheme" "" "" DOCKER_HOST=http://127.0.0.1:1
ep "surrounding spaces" "" "" "DOCKER_HOST= tcp://127.0.0.1:3 "
# precedence
ep "DOCKER_HOST over DOCKER_CONTEXT" "mkctx c1 host=tcp://127.0.0.1:7" override DOCKER_HOST=tcp://127.0.0.1:8 DOCKER_CONTEXT=c1
ep "DOCKER_HOST over currentContext" "mkctx c1 host=tcp://127.0.0.1:7; $DOCKER context use c1" override DOCKER_HOST=tcp://127.0.0.1:8
ep "DOCKER_CONTEXT over currentContext" "mkctx c1 host=tcp://127.0.0.1:7; mkctx c2 host=tcp://127.0.0.1:9; $DOCKER context use c2" "" DOCKER_CONTEXT=c1
ep "currentContext" "mkctx c2 host=tcp://127.0.0.1:9; $DOCKER context use c2" ""
ep "DOCKER_CONTEXT=default" "mkctx c2 host=tcp://127.0.0.1:9; $DOCKER context use c2" "" DOCKER_CONTEXT=default
ep "empty DOCKER_CONTEXT" "mkctx c2 host=tcp://127.0.0.1:9; $DOCKER context use c2" "" DOCKER_CONTEXT=
ep "DOCKER_CONTEXT not found" "" "" DOCKER_CONTEXT=nope
ep "currentContext not found" "echo '{\"currentContext\":\"nope\"}' > dc/config.json" ""
# contexts made by docker context create
ep "context tcp+TLS" "mkctx ct host=tcp://127.0.0.1:2376,ca=$C/ca.pem,cert=$C/cert.pem,key=$C/key.pem" "" DOCKER_CONTEXT=ct
ep "context plain tcp" "mkctx cp host=tcp://127.0.0.1:2375" "" DOCKER_CONTEXT=cp
ep "context ssh" "mkctx cs host=ssh://me@127.0.0.1:2200" "" DOCKER_CONTEXT=cs
ep "context unix" "mkctx cu host=unix:///tmp/other.sock" "" DOCKER_CONTEXT=cu
ep "context skip-verify" "mkctx ck host=tcp://127.0.0.1:2376,ca=$C/ca.pem,skip-tls-verify=true" "" DOCKER_CONTEXT=ck
ep "context CA only" "mkctx ca host=tcp://127.0.0.1:2376,ca=$C/ca.pem" "" DOCKER_CONTEXT=ca
ep "context in a folder not named by its hash" "mkctx cw host=tcp://127.0.0.1:4; mv dc/contexts/meta/* dc/contexts/meta/notahash" "" DOCKER_CONTEXT=cw
ep "two meta.json with one name" "mkctx cw host=tcp://127.0.0.1:4; mkdir -p dc/contexts/meta/aaa; sed 's/:4/:5/' dc/contexts/meta/*/meta.json > x; mv x dc/contexts/meta/aaa/meta.json" "" DOCKER_CONTEXT=cw
# damaged or odd config.json
ep "config.json truncated" "mkctx c2 host=tcp://127.0.0.1:9; printf '{\"currentContext\": \"c2' > dc/config.json" config
ep "config.json an array" "echo '[1,2]' > dc/config.json" config
ep "currentContext not a string" "echo '{\"currentContext\": 5}' > dc/config.json" config
ep "config.json duplicate keys" "mkctx c2 host=tcp://127.0.0.1:9; echo '{\"currentContext\":\"nope\",\"currentContext\":\"c2\"}' > dc/config.json" ""
ep "config.json key in another case" "mkctx c2 host=tcp://127.0.0.1:9; echo '{\"CurrentContext\":\"c2\"}' > dc/config.json" ""
ep "config.json with a byte-order mark" "mkctx c2 host=tcp://127.0.0.1:9; printf '\\xef\\xbb\\xbf{\"currentContext\":\"c2\"}' > dc/config.json" config
ep "config.json empty" "touch dc/config.json" ""
ep "config.json a directory" "mkdir dc/config.json" config
# the TLS variables
ep "DOCKER_TLS_VERIFY without certificates" "" "" DOCKER_TLS_VERIFY=1
ep "DOCKER_TLS_VERIFY with certificates" "" "" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C
ep "DOCKER_TLS with certificates" "" "" DOCKER_TLS=1 DOCKER_CERT_PATH=$C
ep "DOCKER_CERT_PATH missing" "" "" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$T_TMP/nope
ep "DOCKER_CERT_PATH with the CA only" "" "" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$T_TMP/caonly
ep "TLS variables on a unix host" "" "" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C DOCKER_HOST=unix:///tmp/x.sock
ep "TLS variables on a unix host, files missing" "" "" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$T_TMP/nope DOCKER_HOST=unix:///tmp/x.sock
ep "DOCKER_TLS_VERIFY with a tcp host" "" "" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C DOCKER_HOST=tcp://127.0.0.1
ep "DOCKER_TLS_VERIFY empty" "" "" DOCKER_TLS_VERIFY= DOCKER_HOST=tcp://127.0.0.1
ep "DOCKER_TLS_VERIFY=0" "" "" DOCKER_TLS_VERIFY=0 DOCKER_CERT_PATH=$C DOCKER_HOST=tcp://127.0.0.1:1
schema_flush check.schema.json
[ "$n" -ge 40 ] && ok || bad "only $n environments"
