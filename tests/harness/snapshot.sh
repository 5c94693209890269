#!/bin/bash
# snapshot.sh DIR -- print the host state the test peers can leave behind. up.sh writes one to
# DIR/snapshot.before before starting anything, down.sh one to DIR/snapshot.after after teardown;
# any diff is a leftover. Activity of other software on the host shows up too (see README).
set -u
T=${1:?usage: snapshot.sh DIR}
echo "# links"
ip -o link | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
echo "# ipv4 addresses"
ip -o -4 addr | awk '{print $2, $4}' | sort
echo "# iptables filter"
iptables -S 2>/dev/null
echo "# iptables nat"
iptables -t nat -S 2>/dev/null
echo "# mounts under DIR: $(grep -c " $T/" /proc/self/mountinfo)"
echo "# mounts total (netns/overlay/shm/cgroup): $(grep -c -E ' (nsfs|overlay|shm|cgroup) ' /proc/self/mountinfo)"
echo "# cgroup dirs"
ls -d /sys/fs/cgroup/*/wsl-* /sys/fs/cgroup/*/te-* /sys/fs/cgroup/wsl-* 2>/dev/null
echo "# netns / privsep dirs"
ls /run/netns 2>/dev/null | sed 's/^/netns:/'
ls -d /run/netns /run/sshd 2>/dev/null
echo "netns-mounts:$(grep -c ' /run/netns' /proc/self/mountinfo)"
echo "# processes"
ps -eo stat=,comm= | awk '$1 !~ /^Z/ {print $2}' | grep -E '^(dockerd|containerd|containerd-shim|socat|sshd|docker-registry|ssh-agent|docker-proxy|runc|tini-static|docker-init|rootlesskit|slirp4netns)' | sort | uniq -c
echo "sleep-3600:$(ps -eo stat=,args= | awk '$1 !~ /^Z/' | grep -c -E ' (/bin/)?sleep 3600$')"
# listeners in the ephemeral range are skipped: other software opens and closes them all the time, and
# the harness never listens there (its ports come from 20000-32767; docker-proxy is counted above)
read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
echo "# listening tcp (outside the ephemeral range $lo-$hi)"
ss -ltnH | awk -v lo="$lo" -v hi="$hi" '{ n = split($4, a, ":"); p = a[n] + 0; if (p < lo || p > hi) print $4 }' | sort -u
echo "# docker state dirs outside DIR"
ls -A /etc/docker 2>/dev/null | sed "s|^|etc-docker:|"
ls -d /run/docker* /run/containerd /run/containerd/s /var/lib/docker /var/lib/containerd 2>/dev/null
echo "# containerd shim sockets"
ls /run/containerd/s 2>/dev/null | sed 's/^/shim:/'
echo "# accounts"
for f in /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/subuid /etc/subgid \
         /etc/passwd- /etc/group- /etc/shadow- /etc/gshadow- /etc/subuid- /etc/subgid-; do
  if [ -e "$f" ]; then echo "$f $(md5sum <"$f" | cut -c1-32) $(stat -c '%a %u:%g' "$f")"; else echo "$f absent"; fi
done
getent passwd dockremap >/dev/null && echo "user dockremap present"
getent passwd | cut -d: -f1 | grep '^wsrl' | sed 's/^/rootless test user present: /'
echo "# devices"
echo "/dev/net/tun $(stat -c '%a %u:%g' /dev/net/tun 2>/dev/null || echo absent)"
getent group dockremap >/dev/null && echo "group dockremap present"
exit 0
