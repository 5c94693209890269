#!/bin/bash
# tests/fake/hostile-engine.sh - one HTTP/1.1 exchange of a hostile Docker
# Engine API, for socat:  socat UNIX-LISTEN:SOCK,fork EXEC:"bash hostile-engine.sh"
# Every string it returns carries terminal escapes (CSI, OSC, BEL), a C1
# control (U+009B, the one-byte CSI) and, in headers, invalid UTF-8: what a
# compromised or malicious daemon could send.  ws-launch must never pass
# them to a terminal raw (tests/cli/hostile_output.sh).
read -r method path _ || exit 0
while IFS= read -r line; do [ "${line%$'\r'}" = "" ] && break; done
E='\u001b' B='\u0007' C1='\u009b'
case $path in
  /_ping) status=200 body='OK' ;;
  */version) status=200
    body="{\"Version\":\"20.10.0${E}[31mRED${E}]0;pwned${B}\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\",\"Os\":\"linux\",\"KernelVersion\":\"6.1${C1}2J\"}" ;;
  */info) status=200
    body="{\"ServerVersion\":\"20.10.0${E}[2J\",\"OperatingSystem\":\"Deb${E}]52;c;cHduZWQ=${B}ian\",\"KernelVersion\":\"6.1${C1}2J\",\"DockerRootDir\":\"/var/lib/docker${E}[5m\",\"Runtimes\":{\"runc${E}[2J\":{\"path\":\"runc${E}[31m\"}},\"SecurityOptions\":[\"name=seccomp${E}[1m\"],\"Warnings\":[\"WARNING: ${E}]0;title${B} no swap\"]}" ;;
  *) status=404 body="{\"message\":\"No such object: ${E}[31mevil${E}[0m ${C1}2J ${E}]0;t${B}\"}" ;;
esac
printf 'HTTP/1.1 %s X\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nServer: Docker/\xff\xfe\x1b[31m\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
  "$status" "${#body}" "$body"
