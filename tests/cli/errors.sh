#!/bin/bash
# Every class of bad input gets exit 2, one line on stderr naming
# the field, and nothing on stdout.
. "$(dirname "$0")/../lib/assert.sh"
needs "jq socat" jq socat
export HOME=$T_TMP/home XDG_CONFIG_HOME= DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"

usage_error "host" "ws-launch: --host: 'bad host' is not a valid host name (letters, digits, '-' and '.' only)" print tcp --host 'bad host'
usage_error "host with shell" "" print tcp --host 'h$(reboot)'
usage_error "host label" "ws-launch: --host: '-x.example' is not a valid host name (label starts with '-')" print ssh --host -x.example
usage_error "port range" "ws-launch: --port: '0' is out of range (1-65535)" print sysbox --port 0
usage_error "port range high" "ws-launch: --port: '65536' is out of range (1-65535)" print sysbox --port 65536
usage_error "port not a number" "ws-launch: --tcp-port: 'http' is not a number" print tcp --host h.example --tcp-port http
usage_error "ssh port" "ws-launch: --ssh-port: '99999' is out of range (1-65535)" print ssh --host h.example --ssh-port 99999
usage_error "gid word" "ws-launch: --group: 'docker' is not a numeric group id" print socket --group docker
usage_error "gid negative" "ws-launch: --group: '-1' is not a numeric group id" print socket --group=-1
usage_error "image upper" "ws-launch: --image: 'Kloud/ws' is not a valid image reference: it has upper-case letters in its repository path (must be lowercase)" print sysbox --image Kloud/ws
usage_error "image digest" "" print sysbox --image 'ws@sha256:123'
usage_error "image spaces" "" print sysbox --image 'ghcr.io/x y'
usage_error "container name" "ws-launch: --name: 'my workspace' is not a valid container name (allowed: [a-zA-Z0-9][a-zA-Z0-9_.-]+)" print sysbox --name 'my workspace'
# 118 characters would leave no room for NAME-dind-certs (found by fuzz_profile).
LONG_NAME=$(printf 'w%.0s' $(seq 118))
usage_error "launch name too long for its derived names" "ws-launch: --name: a launch name has at most 117 characters (it also names NAME-dind-certs, within Docker's 128); this one has 118" print sysbox --name "$LONG_NAME"
run print dind --name "${LONG_NAME:1}" --pull never
expect_rc 0 "a 117-character launch name"
expect_out_has "${LONG_NAME:1}-dind-certs" "its derived names fit"
usage_error "name newline" "ws-launch: --name: control character U+000A at character 3" print sysbox --name $'ws\nrm'
usage_error "network name" "" print dind --network 'a;b'
usage_error "volume name" "ws-launch: --data-volume: 'x' is too short for a volume name (at least 2 characters)" print privileged --data-volume x
usage_error "sidecar name" "" print dind --sidecar '../x'
usage_error "memory unit" "ws-launch: --memory: '1x' is not a size (a number with an optional unit b, k, m or g, e.g. 512m or 2g)" print sysbox --memory 1x
usage_error "memory too small" "ws-launch: --memory: '1m' is not enough memory for a container (docker's minimum is 6m)" print socket --memory 1m
usage_error "cpus zero" "ws-launch: --cpus: '0' is not a number of CPUs (a positive decimal up to 1024, e.g. 1.5)" print privileged --cpus 0
usage_error "cpus finer than a thousandth" "" print sysbox --cpus 0.0005
usage_error "pids word" "ws-launch: --pids-limit: 'many' is not a number of processes (1 to 4194304)" print sysbox --pids-limit many
usage_error "shm size" "ws-launch: --shm-size: '-1g' is not a size (a number with an optional unit b, k, m or g, e.g. 512m or 2g)" print sysbox --shm-size=-1g
usage_error "dind memory" "ws-launch: --dind-memory: '4q' is not a size (a number with an optional unit b, k, m or g, e.g. 512m or 2g)" print dind --dind-memory 4q
usage_error "dind-cpus outside dind" "" print socket --dind-cpus 2
usage_error "env name" "ws-launch: --env: '1X' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)" print sysbox --env 1X=y
usage_error "env name alone, bad" "ws-launch: --env: 'F-O' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)" print sysbox -e F-O
# -e NAME without a value passes NAME through from this environment, as docker does.
FOO=1 run print sysbox -e FOO --pull never
expect_rc 0 "-e NAME"
expect_out_has "  -e FOO \\" "-e NAME is passed on as -e NAME"
[ -z "$err" ] && ok || bad "-e NAME set in the environment warns: $err"
run print sysbox -e WSL_SURELY_UNSET --pull never
expect_err_has "warning: WSL_SURELY_UNSET passes through from the environment, where it is not set" "-e NAME unset"
FOO=1 run print sysbox -e FOO --format compose --pull never
expect_out_has "      FOO: null" "compose: passed through from the shell"
FOO=1 run print sysbox -e FOO --format kube --pull never
case $out in *"name: FOO"*) bad "kube manifest has the passed-through FOO" ;; *) ok ;; esac
expect_err_has "FOO passes through from docker's environment, which a pod does not have" "kube note"
FOO=1 run profile save pt sysbox -e FOO -e BAR=2
expect_rc 0 "save a passed-through variable"
run profile show pt
expect_out_has "  FOO: null" "profile keeps FOO as passed through (null), not its value"
case $out in *"FOO: \"1\""*|*"FOO: 1"*) bad "the profile stored FOO's value: $out" ;; *) ok ;; esac
FOO=2 run print --profile pt --pull never
expect_out_has "  -e FOO \\" "print --profile: FOO passed through"
usage_error "env conflicts with mode" "ws-launch: env DOCKER_HOST: set by mode tcp; use the mode's options instead" print tcp --host h.example -e DOCKER_HOST=tcp://x:1
usage_error "relative path" "ws-launch: --socket: 'docker.sock' is not an absolute path" print socket --socket docker.sock --group 1
usage_error "colon in path" "ws-launch: --cert-dir: '/a:b' contains ':', which docker's -v cannot express" print tcp --host h.example --tls --cert-dir /a:b
usage_error "bind address" "ws-launch: --bind: 'localhost' is not an IP address" print sysbox --bind localhost
usage_error "publish" "" print sysbox --publish 8080
usage_error "choice" "ws-launch: --pull: 'sometimes' is not one of auto|always|never" print sysbox --pull sometimes
usage_error "bool" "ws-launch: --tls: 'maybe' is not a boolean (true or false)" print dind --tls=maybe
usage_error "missing host" "ws-launch: tcp.host (--host) is required for mode tcp" print tcp
usage_error "tls without certs" "ws-launch: tcp.cert_dir (--cert-dir) is required with TLS: a directory with ca.pem, cert.pem and key.pem" print tcp --host h.example --tls
# the mode list comes from the mode table (ws-launch modes --json), in its order
MODES_LIST=$("$WS_BIN" modes --json | jq -r '[.[].id] | join(", ")')
case $MODES_LIST in "sysbox, privileged, socket, tcp, ssh, dind"*) ok ;; *) bad "mode list: $MODES_LIST" ;; esac
usage_error "unknown mode" "ws-launch: unknown mode 'kvm' (one of $MODES_LIST)" print kvm
run print
expect_rc 1 "no mode and no ready mode"
expect_err_has "ws-launch: print: no mode is ready on this host" "no mode"
[ -z "$out" ] && ok || bad "no mode: stdout not empty"
usage_error "unknown option" "ws-launch: unknown option '--colour-scheme'; see 'ws-launch help print'" print sysbox --colour-scheme x
usage_error "option of another mode" "ws-launch: --host: does not apply to mode sysbox (it is for: tcp, ssh)" print sysbox --host h.example
usage_error "missing value" "ws-launch: --image: needs a value" print sysbox --image
usage_error "flag with value" "ws-launch: --no-volume: takes no value" print sysbox --no-volume=x
usage_error "short option" "ws-launch: unknown option '-x'; see 'ws-launch help print'" print sysbox -x
usage_error "extra argument" "ws-launch: print: unexpected argument 'extra'" print sysbox extra
usage_error "extra argument (profile save)" "ws-launch: save: unexpected argument 'x'" profile save p1 sysbox x
# The day-two commands parse from their flag tables (cli/cmd_*.c) too.
usage_error "ps: unknown option" "ws-launch: ps: unknown option '--bogus'; see 'ws-launch help ps'" ps --bogus
usage_error "ps: extra argument" "ws-launch: ps: unexpected argument 'extra'; see 'ws-launch help ps'" ps extra
usage_error "logs: missing value" "ws-launch: --tail: needs a value" logs --tail
usage_error "logs: empty count" "ws-launch: --tail: '' is not a number of lines" logs --tail=
usage_error "logs: unknown short option" "ws-launch: logs: unknown option '-x'; see 'ws-launch help logs'" logs -x
usage_error "down: flag with value" "ws-launch: --volumes: takes no value" down --volumes=1
usage_error "stop: option of start" "ws-launch: stop: unknown option '--verify-timeout'; see 'ws-launch help stop'" stop --verify-timeout 5
usage_error "upgrade: missing value" "ws-launch: --image: needs a value" upgrade --image
usage_error "modes: extra argument" "ws-launch: modes: unexpected argument 'x'; see 'ws-launch help modes'" modes x
usage_error "format" "ws-launch: --format: 'yaml' is not one of shell, json, compose, kube" print sysbox --format yaml
usage_error "unknown command" "ws-launch: unknown command 'lanch'; see 'ws-launch --help'" lanch
usage_error "unknown global option" "ws-launch: unknown option '--verbose'; see 'ws-launch --help'" --verbose
usage_error "relative config" "ws-launch: --config: 'cfg' is not an absolute path" --config cfg modes
usage_error "control chars are named, not echoed" "ws-launch: --name: control character U+001B at character 2" print sysbox --name $'a\e[31mb'
# Every value from outside: C0/C1 controls and invalid UTF-8 are refused,
# naming the option and the character's position (an ESC in a value once
# made the printed command differ from the one run).
usage_error "env ESC" "ws-launch: --env: A: control character U+001B at character 2" print sysbox -e $'A=x\e[2K\rY'
usage_error "env newline" "ws-launch: --env: Y: control character U+000A at character 2" print sysbox -e $'Y=a\nb'
usage_error "volume C1" "ws-launch: --volume: control character U+009B at character 2" print sysbox --volume $'w\xc2\x9bx'
usage_error "image bad UTF-8" "ws-launch: --image: invalid UTF-8 (byte 0xff) at character 2" print sysbox --image $'a\xffb'
usage_error "DEL in a path" "ws-launch: --socket: control character U+007F at character 4" print socket --socket $'/ru\x7fn' --group 1
mkdir -p "$T_TMP/cc/ws-launch/profiles"
printf 'version: 1\nmode: socket\nsocket:\n  group: 1\nenv:\n  A: "x\\e[2K\\rY"\n' >"$T_TMP/cc/ws-launch/profiles/cc.yaml"
XDG_CONFIG_HOME=$T_TMP/cc usage_error "profile env ESC" \
  "ws-launch: --profile: $T_TMP/cc/ws-launch/profiles/cc.yaml:6:6: env: A: control character U+001B at character 2" print --profile cc
usage_error "profile name" "ws-launch: profile save: profile name '../x' is not a valid name ([A-Za-z0-9._-], 1-64 characters)" profile save ../x sysbox
usage_error "profile missing" "" print --profile nope
usage_error "profile rm missing" "" profile rm nope
usage_error "help unknown" "ws-launch: help: no command named 'nope'" help nope

# print socket without --group: the gid comes from the socket file ...
sock=$T_TMP/d.sock
socat UNIX-LISTEN:"$sock",fork /dev/null & spid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.02; done
chgrp 4242 "$sock"
run print socket --socket "$sock" --no-volume --pull never
expect_rc 0 "gid from socket"
expect_out_has "--group-add 4242" "gid from socket"
expect_out_has "-v $sock:/var/run/docker.sock:ro" "gid from socket"
kill $spid; wait $spid 2>/dev/null
# ... and when it cannot, it says to pass --group.
usage_error "socket gone" "ws-launch: socket.group: cannot read the group of $sock: No such file or directory; pass --group GID (the socket's group id as the daemon's host sees it)" print socket --socket "$sock"
: > "$T_TMP/plain"
usage_error "not a socket" "ws-launch: socket.group: $T_TMP/plain is not a socket; pass --group GID (the socket's group id as the daemon's host sees it)" print socket --socket "$T_TMP/plain"

# Shell metacharacters in values are data: quoted in the output, never run.
run print sysbox --no-volume --pull never -e 'X=$(touch '"$T_TMP"'/pwned); `id` * ~' -e 'Y=a b'
expect_rc 0 "metachars"
bash -c "docker() { printf '%s\n' \"\$@\"; }; $out" > "$T_TMP/argv"
grep -qxF 'X=$(touch '"$T_TMP"'/pwned); `id` * ~' "$T_TMP/argv" && ok || bad "metachars not preserved"
[ ! -e "$T_TMP/pwned" ] && ok || bad "metachars were executed"
