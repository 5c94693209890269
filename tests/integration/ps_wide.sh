#!/bin/bash
# Issue 19: `ps` with 20 launches on one daemon fits an 80-column terminal:
# every line is at most 80 columns wide, every launch has its row, and a name
# cut to fit keeps its head and its tail (the part that tells launches
# apart).  The launches are cheap ones: running stand-ins labelled as socket
# launches with long names and a published web port, made and removed here.
. "$(dirname "$0")/../lib/peers.sh"
P=$(uname_ pw)
N=20
names=()
cleanup() { [ ${#names[@]} -eq 0 ] || DK rm -f "${names[@]}" >/dev/null 2>&1; t_cleanup; }
trap cleanup EXIT
for i in $(seq -w "$N"); do
  n=$P-platform-team-workspace-of-developer-$i
  names+=("$n")
  DK run -d --name "$n" --label "ws-launch.launch=$n" --label ws-launch.mode=socket -p 127.0.0.1::8080 \
    "$WSL_WS_IMAGE" >/dev/null || bad "run $n"
done
COLUMNS=80 LC_ALL=C.UTF-8 "$WS_BIN" ps >"$T_TMP/ps.out" 2>"$T_TMP/ps.err"; rc=$?
[ "$rc" -eq 0 ] && ok || bad "ps: exit $rc: $(cat "$T_TMP/ps.err")"
# widths in code points (the table pads by code points; the elision mark is one)
widest=$(LC_ALL=C.UTF-8 awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T_TMP/ps.out")
[ "$widest" -le 80 ] && ok || bad "ps at 80 columns has a line of $widest: $(cat "$T_TMP/ps.out")"
[ "$widest" -ge 60 ] && ok || bad "ps at 80 columns used only $widest (cut more than needed)"
# a name cut to fit keeps its head and its tail: "tabcde…per-07"
head5=${P:0:5}
for i in $(seq -w "$N"); do
  grep -Eq "^$head5[^ ]*-$i " "$T_TMP/ps.out" && ok || bad "no row for launch $i: $(cat "$T_TMP/ps.out")"
done
[ "$(grep -c "^$head5" "$T_TMP/ps.out")" -eq "$N" ] && ok || bad "ps lists $(grep -c "^$head5" "$T_TMP/ps.out") of $N"
grep -q "127.0.0.1:[0-9]" "$T_TMP/ps.out" && ok || bad "no URL column left: $(cat "$T_TMP/ps.out")"
# a pipe without COLUMNS gets whole values
env -u COLUMNS "$WS_BIN" ps >"$T_TMP/ps.whole" 2>/dev/null
grep -q -- "-platform-team-workspace-of-developer-01 " "$T_TMP/ps.whole" && ok ||
  bad "ps to a pipe cut the names: $(head -3 "$T_TMP/ps.whole")"
