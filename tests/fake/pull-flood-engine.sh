#!/bin/bash
# tests/fake/pull-flood-engine.sh - one HTTP exchange of a Docker Engine API
# whose image pull floods: POST /images/create streams WS_FLOOD_LAYERS
# distinct layers (three progress events each) and then, with WS_FLOOD_HANG
# set, keeps the stream open without end.  Every other object is absent.
# For socat:  socat UNIX-LISTEN:SOCK,fork EXEC:"bash pull-flood-engine.sh"
read -r method path _ || exit 0
while IFS= read -r line; do [ "${line%$'\r'}" = "" ] && break; done
hdr='Content-Type: application/json\r\nApi-Version: 1.41\r\nServer: Docker/20.10.0 (linux)\r\nConnection: close'
reply() { printf "HTTP/1.1 %s X\r\n$hdr\r\nContent-Length: %s\r\n\r\n%s" "$1" "${#2}" "$2"; }
case "$method $path" in
  "GET /_ping") reply 200 OK ;;
  *"/version") reply 200 '{"Version":"20.10.0","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux"}' ;;
  "POST "*"/images/create"*)
    printf "HTTP/1.1 200 OK\r\n$hdr\r\n\r\n"
    awk -v n="${WS_FLOOD_LAYERS:-50000}" 'BEGIN {
      for (i = 0; i < n; i++) printf "{\"status\":\"Downloading\",\"id\":\"l%011d\",\"progressDetail\":{\"current\":1,\"total\":2}}\n", i
      for (i = 0; i < n; i++) printf "{\"status\":\"Download complete\",\"id\":\"l%011d\"}\n", i
      for (i = 0; i < n; i++) printf "{\"status\":\"Pull complete\",\"id\":\"l%011d\"}\n", i
    }'
    [ -n "${WS_FLOOD_HANG:-}" ] && while printf '{"status":"Waiting","id":"l%011d"}\n' 0; do sleep 0.01; done
    ;;
  *) reply 404 '{"message":"No such object"}' ;;
esac
