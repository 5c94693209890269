#!/bin/bash
# tests/cli/export_schema.sh - every mode's Compose and Kubernetes export, in
# a spread of option combinations, validated with the ecosystem's own
# definitions (tests/lib/export-check.cjs: the Compose Specification's JSON
# schema, Kubernetes' OpenAPI models).  Exit 77 (skipped, with the reason)
# when node or the npm test packages are missing; ./tests/run.sh installs
# them and fails on a skipped test.
. "$(dirname "$0")/../lib/assert.sh"
CHECK=$WS_SOURCE_DIR/tests/lib/export-check.cjs
if ! command -v node >/dev/null; then echo "SKIP: node is not installed"; trap - EXIT; rm -rf "$T_TMP"; exit 77; fi
if [ ! -d "$WS_SOURCE_DIR/tests/npm/node_modules" ]; then
  echo "SKIP: test packages not installed (cd tests/npm && npm ci)"; trap - EXIT; rm -rf "$T_TMP"; exit 77
fi
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME" "$T_TMP/certs" "$T_TMP/ws"
printf 'WS_AUTH_PASSWORD=x\n' >"$T_TMP/env"
touch "$T_TMP/certs/ca.pem" "$T_TMP/certs/cert.pem" "$T_TMP/certs/key.pem" "$T_TMP/id" "$T_TMP/kh"
export PT=1 SSH_AUTH_SOCK=$T_TMP/agent.sock
cases=(
  "sysbox"
  "sysbox --minimal --no-publish --no-volume"
  "sysbox --volume $T_TMP/ws --env-file $T_TMP/env -e PT -e WS_LOG_LEVEL=debug"
  "privileged"
  "privileged --no-data-volume --userns-host --bind 0.0.0.0 --port 9000"
  "socket --socket /run/x.sock --group 998"
  "socket --socket /run/x.sock --group 998 --publish 10.0.0.1:9443:8080 --image registry.example:5000/ws@sha256:$(printf '%064d' 0)"
  "tcp --host 10.0.0.5 --tls --cert-dir $T_TMP/certs"
  "tcp --host 10.0.0.5 --no-tls --tcp-port 2375"
  "ssh --host build.example --ssh-user dev --ssh-auth agent --known-hosts none"
  "ssh --host build.example --ssh-user dev --ssh-port 2222 --ssh-auth key --ssh-key $T_TMP/id --known-hosts $T_TMP/kh"
  "dind"
  "dind --no-tls --network n1 --sidecar s1 --data-volume dd --certs-volume dc --pull always"
  "dind --dind-image docker:27-dind --pull never --no-detach"
  "socket --name api --socket /run/x.sock --group 998 --cpus 1.5 --memory 1536m --pids-limit 512 --shm-size 256m"
  "dind --name api --cpus 0.5 --memory 2g --shm-size 1g --dind-cpus 2 --dind-memory 4g"
  "privileged --inner-registry-mirror http://10.0.0.1:5000 --inner-registry-mirror https://m.example --inner-mtu 1400 --inner-address-pool 10.200.0.0/16/24 --inner-iptables off"
  "sysbox --inner-insecure-registry reg.example:5000 --inner-mtu 1400"
  "dind --inner-registry-mirror http://10.0.0.1:5000 --inner-mtu 1400 --inner-iptables legacy"
)
n=0
for c in "${cases[@]}"; do
  n=$((n + 1))
  for fmt in compose kube; do
    # shellcheck disable=SC2086
    run print $c --format $fmt
    expect_rc 0 "print $c --format $fmt"
    printf '%s\n' "$out" >"$T_TMP/$fmt-$n.yaml"
    printf '%s\n' "$c" >"$T_TMP/$fmt-$n.case"
  done
done
for fmt in compose kube; do
  if res=$(node "$CHECK" $fmt "$T_TMP"/$fmt-*.yaml 2>&1); then ok
  else
    bad "$fmt exports do not validate:"
    printf '%s\n' "$res" | while IFS= read -r line; do
      f=${line%%:*}; printf '    [%s] %s\n' "$(cat "${f%.yaml}.case" 2>/dev/null)" "$line" >&2
    done
  fi
done
# The validators are not blind: a broken file of each kind fails.
printf 'services:\n  ws:\n    image: x\n    privileged: "very"\n' >"$T_TMP/broken-compose.yaml"
node "$CHECK" compose "$T_TMP/broken-compose.yaml" >/dev/null 2>&1 && bad "compose validator passed a broken file" || ok
sed 's/containerPort: 8080/containerPort: "http"/' "$T_TMP/kube-1.yaml" >"$T_TMP/broken-kube.yaml"
grep -q 'containerPort: "http"' "$T_TMP/broken-kube.yaml" || bad "kube export has no containerPort to break"
node "$CHECK" kube "$T_TMP/broken-kube.yaml" >/dev/null 2>&1 && bad "kube validator passed a broken file" || ok
# Resource limits keep their meaning: Compose's keys, Kubernetes' quantities
# (requests = limits) and /dev/shm as a memory emptyDir of the size.
run print socket --name api --socket /run/x.sock --group 998 --cpus 1.5 --memory 1536m --pids-limit 512 --shm-size 256m --format compose
for want in "    cpus: 1.5" "    mem_limit: 1536m" "    pids_limit: 512" "    shm_size: 256m"; do
  expect_out_has "$want" "compose limits: $want"
done
run print dind --name api --cpus 0.5 --memory 2g --shm-size 1g --dind-cpus 2 --dind-memory 1500m --pids-limit 64 --format kube
lim=$(printf '%s\n' "$out" | grep -A2 -E '^ +(limits|requests):' | tr '\n' ' ' | tr -s ' ')
for want in "limits: cpu: 500m memory: 2Gi" "requests: cpu: 500m memory: 2Gi" 'limits: cpu: "2" memory: 1500Mi'; do
  case $lim in *"$want"*) ok ;; *) bad "kube resources lack '$want': $lim" ;; esac
done
expect_out_has "            medium: Memory" "kube /dev/shm is a memory emptyDir"
expect_out_has "            sizeLimit: 1Gi" "kube /dev/shm sizeLimit"
expect_out_has "            mountPath: /dev/shm" "kube /dev/shm mounted"
expect_err_has "--pids-limit has no place in a pod spec" "kube says where a pids limit goes"
